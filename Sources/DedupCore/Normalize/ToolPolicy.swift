/// What an operator knows about one tool that heuristics cannot guess.
///
/// Field rules name paths: `to` matches the field `to`, every element `to[0]`, `to[1]`, and nested
/// members `to.email`; `items[].sku` matches `sku` in every element of `items`.
public struct ToolPolicy: Sendable, Hashable {
    /// Fields that must be equal for two calls to be the same action (ids, amounts, recipients).
    /// Declaring any also enables the intent key: tool + these fields, whatever the other fields say.
    public var identityFields: [String]
    /// Free-text fields the model may reword (subject, body, description).
    public var textFields: [String]
    /// Fields dropped before comparing (per-call noise the defaults do not know about).
    public var ignoredFields: [String]
    /// Cosine at or above which a candidate is a duplicate; `nil` keeps the funnel's default (0.90).
    public var duplicateThreshold: Double?
    /// Cosine at or above which a candidate goes to the verifier; `nil` keeps the default (0.5).
    public var borderlineThreshold: Double?
    /// What a borderline pair becomes when the verifier is unsure or too slow; `nil` keeps the
    /// default, `new` (a false duplicate silently drops a real action).
    public var verifierFallback: Decision?
    /// The target false-duplicate rate δ of the calibrated pair verifier for this tool's calls (e.g. 0.001
    /// for payments, 0.02 for chat messages); `nil` keeps the service's `max_false_duplicate_rate`.
    public var maxFalseDuplicateRate: Double?

    /// A policy; every part is optional.
    public init(
        identityFields: [String] = [],
        textFields: [String] = [],
        ignoredFields: [String] = [],
        duplicateThreshold: Double? = nil,
        borderlineThreshold: Double? = nil,
        verifierFallback: Decision? = nil,
        maxFalseDuplicateRate: Double? = nil
    ) {
        self.identityFields = identityFields
        self.textFields = textFields
        self.ignoredFields = ignoredFields
        self.duplicateThreshold = duplicateThreshold
        self.borderlineThreshold = borderlineThreshold
        self.verifierFallback = verifierFallback
        self.maxFalseDuplicateRate = maxFalseDuplicateRate
    }

    /// Whether a rule in `rules` names the field at `path`.
    static func matches(_ rules: [String], path: String) -> Bool {
        guard !rules.isEmpty else { return false }
        let generic = genericPath(path)
        for rule in rules {
            for candidate in [path, generic] where candidate == rule || candidate.hasPrefix(rule) {
                if candidate == rule { return true }
                let next = candidate[candidate.index(candidate.startIndex, offsetBy: rule.count)]
                if next == "." || next == "[" { return true }
            }
        }
        return false
    }

    /// `items[3].sku` → `items[].sku`.
    static func genericPath(_ path: String) -> String {
        var output = ""
        var inIndex = false
        for character in path {
            if character == "[" {
                inIndex = true
                output.append("[")
            } else if character == "]" {
                inIndex = false
                output.append("]")
            } else if !inIndex {
                output.append(character)
            }
        }
        return output
    }
}
