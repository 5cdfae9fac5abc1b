public import Foundation

/// The per-tool policies of a deployment, read from a JSON file.
///
/// ```json
/// {
///   "tools": {
///     "send_email": {
///       "identity": ["to", "cc"], "text": ["subject", "body"], "ignore": ["draft_id"],
///       "duplicate_threshold": 0.92, "borderline_threshold": 0.86, "verifier_fallback": "new",
///       "max_false_duplicate_rate": 0.001
///     }
///   }
/// }
/// ```
/// Tools without a policy are handled by conservative heuristics.
public struct PolicySet: Sendable, Hashable {
    /// Policies by tool name.
    public var tools: [String: ToolPolicy]

    /// A policy set.
    public init(tools: [String: ToolPolicy] = [:]) {
        self.tools = tools
    }

    /// The policy for `tool`, or an empty one.
    public func policy(for tool: String) -> ToolPolicy {
        tools[tool] ?? ToolPolicy()
    }

    /// Reads a policy file; errors name the file and the offending key.
    public init(contentsOf url: URL) throws(DedupError) {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .invalidInput("cannot read policy file \(url.path): \(error.localizedDescription)")
        }
        do {
            try self.init(json: JSONParser().parse(data))
        } catch let error as JSONParseError {
            throw .invalidInput("policy file \(url.path): \(error)")
        } catch {
            throw .invalidInput("policy file \(url.path): \(error)")
        }
    }

    /// Reads policies from parsed JSON (`{"tools": {name: policy}}`).
    public init(json: JSONValue) throws(DedupError) {
        guard let root = json.objectValue else { throw .invalidInput("policy file must be a JSON object") }
        let known: Set<String> = ["tools"]
        if let unknown = root.keys.first(where: { !known.contains($0) }) {
            throw .invalidInput("policy file: unknown key \"\(unknown)\" (expected \"tools\")")
        }
        if let value = root["tools"], value.objectValue == nil {
            throw .invalidInput("policy file: \"tools\" must be an object of tool name to policy")
        }
        var tools: [String: ToolPolicy] = [:]
        for (name, value) in root["tools"]?.objectValue ?? [:] {
            tools[name] = try Self.policy(named: name, from: value)
        }
        self.tools = tools
    }

    private static func policy(named name: String, from value: JSONValue) throws(DedupError) -> ToolPolicy {
        guard let object = value.objectValue else {
            throw .invalidInput("policy for tool \"\(name)\" must be an object, got \(value.typeName)")
        }
        let known: Set<String> = [
            "identity", "text", "ignore", "duplicate_threshold", "borderline_threshold", "verifier_fallback",
            "max_false_duplicate_rate",
        ]
        if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw .invalidInput(
                "policy for tool \"\(name)\": unknown key \"\(unknown)\" (expected one of \(known.sorted()))"
            )
        }
        func strings(_ key: String) throws(DedupError) -> [String] {
            guard let value = object[key] else { return [] }
            guard case .array(let elements) = value, elements.allSatisfy({ $0.stringValue != nil }) else {
                throw .invalidInput("policy for tool \"\(name)\": \"\(key)\" must be an array of field paths")
            }
            return elements.compactMap(\.stringValue)
        }
        func threshold(_ key: String) throws(DedupError) -> Double? {
            guard let value = object[key] else { return nil }
            guard let number = value.doubleValue, (0...1).contains(number) else {
                throw .invalidInput("policy for tool \"\(name)\": \"\(key)\" must be a number from 0 to 1")
            }
            return number
        }
        var fallback: Decision?
        if let value = object["verifier_fallback"] {
            guard let text = value.stringValue, let decision = Decision(rawValue: text),
                decision == .new || decision == .duplicate
            else {
                throw .invalidInput(
                    "policy for tool \"\(name)\": \"verifier_fallback\" must be \"new\" or \"duplicate\""
                )
            }
            fallback = decision
        }
        let policy = ToolPolicy(
            identityFields: try strings("identity"),
            textFields: try strings("text"),
            ignoredFields: try strings("ignore"),
            duplicateThreshold: try threshold("duplicate_threshold"),
            borderlineThreshold: try threshold("borderline_threshold"),
            verifierFallback: fallback,
            maxFalseDuplicateRate: try threshold("max_false_duplicate_rate")
        )
        if let duplicate = policy.duplicateThreshold, let borderline = policy.borderlineThreshold,
            borderline > duplicate
        {
            throw .invalidInput("policy for tool \"\(name)\": borderline_threshold must not exceed duplicate_threshold")
        }
        return policy
    }
}
