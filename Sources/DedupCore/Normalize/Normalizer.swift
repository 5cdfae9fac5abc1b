import Foundation

/// Turns a proposed tool call into its canonical form, keys and field signature.
///
/// The rules, in order: argument keys sorted; volatile fields (timestamps, request and trace ids,
/// nonces — the defaults below plus a policy's `ignore` list) dropped; strings NFKC-normalised,
/// trimmed and whitespace-collapsed; e-mail addresses lower-cased; a string that is exactly a decimal
/// number (no leading zeros, so `"02139"` stays a string) read as that number, also with thousands
/// separators (`"1,250"`); numbers compared by value (`4999` = `4999.0` = `"4999"`); `"true"` / `"True"`
/// read as booleans; strings holding JSON or Python-literal arrays and objects read as those values;
/// ISO-8601 date-times in their common spellings written one way. Every leaf is then classed identity
/// or text.
public struct Normalizer: Sendable {
    /// Field names dropped from every call, compared lower-cased with `_`, `-`, `.` and spaces removed.
    public static let defaultVolatileFields: Set<String> = [
        "timestamp", "ts", "requestid", "xrequestid", "clientrequestid", "traceid", "spanid", "traceparent",
        "nonce", "correlationid", "idempotencykey", "createdat", "updatedat", "sentat", "requestedat",
        "requesttime", "currenttime", "now", "retrycount", "attempt", "attemptnumber", "cachebuster",
        "clienttimestamp", "servertimestamp", "requesttimestamp", "clientrequesttime", "xcorrelationid",
        "clienttraceid", "xtraceid", "xb3traceid", "xb3spanid",
    ]

    /// The per-tool policies.
    public var policies: PolicySet {
        didSet { keyVersions = KeyVersionMemo() }
    }
    /// Field names treated as volatile (see ``defaultVolatileFields``), in squashed form.
    public var volatileFields: Set<String> {
        didSet { keyVersions = KeyVersionMemo() }
    }
    /// Longest accepted tool, scope or tenant name, in characters.
    public var maxNameLength: Int
    /// How much of a call the semantic layer compares; larger calls are matched exactly only.
    public var semanticBudget: SemanticBudget {
        didSet { keyVersions = KeyVersionMemo() }
    }

    /// ``keyVersion(forTool:)`` of the tools seen, made again when a setting it digests changes (a copy
    /// keeps the memo until it changes one of them).
    var keyVersions = KeyVersionMemo()

    private let classifier = FieldClassifier()

    /// A normaliser with the given policies; `extraVolatileFields` adds to the defaults.
    public init(
        policies: PolicySet = PolicySet(),
        extraVolatileFields: [String] = [],
        maxNameLength: Int = 256,
        semanticBudget: SemanticBudget = SemanticBudget()
    ) {
        self.policies = policies
        self.volatileFields = Self.defaultVolatileFields.union(extraVolatileFields.map(Self.squashedName))
        self.maxNameLength = maxNameLength
        self.semanticBudget = semanticBudget
    }

    /// Normalises `call`, or explains why it cannot be compared (empty names, non-object arguments).
    public func normalize(_ call: ToolCall) throws(DedupError) -> NormalizedCall {
        try call.validateNames(maxLength: maxNameLength)
        let arguments: [String: JSONValue]
        switch call.arguments {
        case .null: arguments = [:]
        case .object(let members): arguments = members
        default: throw .invalidInput("arguments must be a JSON object, got \(call.arguments.typeName)")
        }
        let policy = policies.policy(for: call.tool)
        var dropped: [String] = []
        let canonicalArguments = canonicalize(.object(arguments), path: "", policy: policy, dropped: &dropped)
        let canonical = call.tool + "\u{1F}" + canonicalArguments.canonicalText

        var signature = FieldSignature()
        var textTokens: [String: [SafetyToken]] = [:]
        var declaredIdentity: [String: JSONValue] = [:]
        // A call past the semantic budget is matched by its caller key and exact canonical form only: no
        // real tool call has thousands of values or a novel's worth of prose to compare by meaning, and
        // classifying and embedding them would let one request hold a core for seconds.
        let withinBudget = semanticBudget.admits(canonicalArguments)
        if withinBudget {
            collectFields(
                canonicalArguments,
                path: "",
                key: "",
                policy: policy,
                into: &signature,
                tokens: &textTokens,
                declared: &declaredIdentity
            )
        }
        // The intent key means "one such action per window": only when every declared identity field
        // is present, or two calls that both lack a field would merge on the rest.
        let missing = policy.identityFields.filter { rule in
            !declaredIdentity.keys.contains { ToolPolicy.matches([rule], path: $0) }
        }
        if withinBudget { PolicyFieldWarnings.shared.report(tool: call.tool, missing: missing) }
        let intentKey: String? =
            policy.identityFields.isEmpty || !missing.isEmpty || !withinBudget
            ? nil : StableHash.sha256Hex(call.tool + "\u{1F}" + JSONValue.object(declaredIdentity).canonicalText)
        return NormalizedCall(
            call: call,
            canonicalArguments: canonicalArguments,
            canonical: canonical,
            fingerprint: StableHash.sha256Hex(canonical),
            intentKey: intentKey,
            signature: signature,
            droppedFields: dropped.sorted(),
            policy: policy,
            textTokens: textTokens
        )
    }

    /// `Customer_ID` → `customerid`: how field names are compared with the hint and volatile lists.
    static func squashedName(_ name: String) -> String {
        var output = String.UnicodeScalarView()
        for scalar in name.unicodeScalars {
            if scalar.isASCII {
                let value = scalar.value
                if (0x30...0x39).contains(value) || (0x61...0x7A).contains(value) {
                    output.append(scalar)
                } else if (0x41...0x5A).contains(value) {
                    output.append(Unicode.Scalar(value + 32)!)
                }
            } else if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                output.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            }
        }
        return String(output)
    }

    /// NFKC, skipped for pure ASCII (where it changes nothing): the common case, and NFKC is not cheap.
    static func nfkc(_ string: String) -> String {
        string.utf8.allSatisfy { $0 < 0x80 } ? string : string.precomposedStringWithCompatibilityMapping
    }

    private func canonicalize(_ value: JSONValue, path: String, policy: ToolPolicy, dropped: inout [String])
        -> JSONValue
    {
        switch value {
        case .object(let members):
            var output: [String: JSONValue] = [:]
            for (rawKey, member) in members {
                let key = Self.nfkc(rawKey)
                let memberPath = path.isEmpty ? key : path + "." + key
                let named =
                    ToolPolicy.matches(policy.identityFields, path: memberPath)
                    || ToolPolicy.matches(policy.textFields, path: memberPath)
                // A field the tool's policy names is kept even when its name sounds volatile.
                if (volatileFields.contains(Self.squashedName(key)) && !named)
                    || ToolPolicy.matches(policy.ignoredFields, path: memberPath)
                {
                    dropped.append(memberPath)
                    continue
                }
                output[key] = canonicalize(member, path: memberPath, policy: policy, dropped: &dropped)
            }
            return .object(output)
        case .array(let elements):
            return .array(
                elements.enumerated()
                    .map { position, element in
                        switch element {
                        case .object, .array:
                            canonicalize(element, path: "\(path)[\(position)]", policy: policy, dropped: &dropped)
                        // A scalar's path is never used: only object members are matched against policies.
                        case .string, .number, .bool, .null:
                            canonicalize(element, path: path, policy: policy, dropped: &dropped)
                        }
                    }
            )
        case .string(let string):
            // An array or object the model wrote as a string (JSON or a Python literal) is that value.
            if let parsed = StringifiedValue.parse(Self.collapseWhitespace(Self.nfkc(string))) {
                return canonicalize(parsed, path: path, policy: policy, dropped: &dropped)
            }
            return Self.canonicalString(string)
        case .null, .bool, .number:
            return value
        }
    }

    /// NFKC, trimmed, whitespace collapsed; e-mails and single enum-like words lower-cased; exact decimal
    /// numbers read as numbers; unambiguous dates written as ISO 8601.
    static func canonicalString(_ string: String) -> JSONValue {
        let collapsed = collapseWhitespace(nfkc(string))
        if let number = JSONNumber(literal: collapsed) { return .number(number) }
        if let grouped = withoutThousandsSeparators(collapsed) {
            if let number = JSONNumber(literal: grouped) { return .number(number) }
            return .string(grouped)
        }
        // Only four or five ASCII letters can lower-case to "true" or "false" (NFKC has already folded the
        // letters that look like them): no lower-cased copy of every other string.
        if (4...5).contains(collapsed.utf8.count) {
            switch collapsed.lowercased() {
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: break
            }
        }
        if isEmail(collapsed) { return .string(collapsed.lowercased()) }
        if let dateTime = DateTimeCanonicalizer.canonical(collapsed) { return .string(dateTime) }
        if let date = DateCanonicalizer.canonical(collapsed) { return .string(date) }
        if isEnumLikeWord(collapsed) { return .string(collapsed.lowercased()) }
        return .string(collapsed)
    }

    /// `1,250` → `1250`, `$1,250.50` → `$1250.50`: an amount with thousands separators (an optional
    /// currency sign, 1–3 digits, then groups of exactly three), or `nil` for anything else.
    static func withoutThousandsSeparators(_ string: String) -> String? {
        guard string.utf8.contains(UInt8(ascii: ",")), string.utf8.count <= 40 else { return nil }
        var body = Substring(string)
        var sign = ""
        if let first = body.first, "$€£¥".contains(first) {
            sign = String(first)
            body = body.dropFirst()
        }
        let number = body.prefix { $0 != "." }
        let fraction = body.dropFirst(number.count)
        let groups = number.split(separator: ",", omittingEmptySubsequences: false)
        guard groups.count >= 2, (1...3).contains(groups[0].count), groups.dropFirst().allSatisfy({ $0.count == 3 }),
            groups.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            fraction.isEmpty || (fraction.count >= 2 && fraction.dropFirst().allSatisfy { $0.isASCII && $0.isNumber })
        else { return nil }
        return sign + groups.joined() + fraction
    }

    /// One to three words of letters (and hyphens), at most 32 characters — `USD`, `Watercolor`,
    /// `Hip Hop`, `Yahoo Finance` — whose case carries no meaning. Anything with a digit (`AB-1`, tokens,
    /// ids) keeps its case.
    static func isEnumLikeWord(_ string: String) -> Bool {
        guard !string.isEmpty, string.utf8.count <= 32, string.split(separator: " ").count <= 3 else { return false }
        return string.unicodeScalars.allSatisfy { scalar in
            scalar == "-" || scalar == "_" || scalar == " " || scalar.isUnicodeAlphabetic
        }
    }

    static func collapseWhitespace(_ string: String) -> String {
        // Fast path: no leading, trailing, repeated or non-space ASCII whitespace, and no non-ASCII
        // (which may hold Unicode spaces) — nothing to do.
        var previousWasSpace = true
        var clean = true
        for byte in string.utf8 {
            if byte >= 0x80 || byte == 0x09 || byte == 0x0A || byte == 0x0B || byte == 0x0C || byte == 0x0D {
                clean = false
                break
            }
            if byte == 0x20 {
                if previousWasSpace {
                    clean = false
                    break
                }
                previousWasSpace = true
            } else {
                previousWasSpace = false
            }
        }
        if clean && !(previousWasSpace && !string.isEmpty) { return string }
        return string.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    private func collectFields(
        _ value: JSONValue,
        path: String,
        key: String,
        policy: ToolPolicy,
        into signature: inout FieldSignature,
        tokens: inout [String: [SafetyToken]],
        declared: inout [String: JSONValue]
    ) {
        switch value {
        case .object(let members) where !members.isEmpty:
            for (memberKey, member) in members {
                let memberPath = path.isEmpty ? memberKey : path + "." + memberKey
                collectFields(
                    member,
                    path: memberPath,
                    key: memberKey,
                    policy: policy,
                    into: &signature,
                    tokens: &tokens,
                    declared: &declared
                )
            }
        case .array(let elements) where !elements.isEmpty:
            for (position, element) in elements.enumerated() {
                collectFields(
                    element,
                    path: "\(path)[\(position)]",
                    key: key,
                    policy: policy,
                    into: &signature,
                    tokens: &tokens,
                    declared: &declared
                )
            }
        default:
            guard !path.isEmpty else { return }
            if ToolPolicy.matches(policy.identityFields, path: path) { declared[path] = value }
            switch classifier.classify(path: path, key: key, value: value, policy: policy) {
            case .identity:
                signature.identity[path] = value.canonicalText
            case .text:
                let text = value.stringValue ?? value.canonicalText
                signature.text[path] = text
                let fieldTokens = SafetyTokenizer.tokens(text)
                tokens[path] = fieldTokens
                // Numbers written inside prose are identity too: "refund $50" is not "refund $500".
                let numerals = Self.numerals(in: fieldTokens)
                if !numerals.isEmpty { signature.identity[path + "#numbers"] = numerals.joined(separator: " ") }
            }
        }
    }

    /// The numbers written in `text` — digits (`1,250` = `1250`) and number words (`two` = `2`) — sorted,
    /// so that rewording around them does not matter.
    static func numerals(in text: String) -> [String] {
        numerals(in: SafetyTokenizer.tokens(text))
    }

    /// The numbers among already made tokens, as ``numerals(in:)-(String)`` finds them.
    static func numerals(in tokens: [SafetyToken]) -> [String] {
        var numbers: [String] = []
        for token in tokens {
            switch token.kind {
            case .number: numbers.append(token.text)
            // The digits inside an identifier count too: "Q3" is not "Q4" (leading zeros aside).
            case .identifier:
                for run in token.text.split(whereSeparator: { !("0"..."9").contains($0) }) {
                    let trimmed = run.drop { $0 == "0" }
                    numbers.append(trimmed.isEmpty ? "0" : String(trimmed))
                }
            case .word, .symbol: break
            }
        }
        return numbers.sorted()
    }
}
