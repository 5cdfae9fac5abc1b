/// A tool call in canonical form, with the keys and fields every funnel layer needs.
public struct NormalizedCall: Sendable, Hashable {
    /// The call as proposed.
    public var call: ToolCall
    /// The arguments after canonicalisation: volatile fields dropped, strings NFKC-normalised and
    /// whitespace-collapsed, e-mails lower-cased, numeric strings read as numbers.
    public var canonicalArguments: JSONValue
    /// `tool` + U+001F + the canonical JSON of the arguments: what the exact key hashes.
    public var canonical: String
    /// SHA-256 of ``canonical``: the exact key, and the payload fingerprint checked against a reused
    /// idempotency key.
    public var fingerprint: String
    /// SHA-256 of the tool and the policy-declared identity fields; `nil` without such a policy.
    public var intentKey: String?
    /// Identity and text fields.
    public var signature: FieldSignature
    /// Paths of the fields dropped as volatile or ignored.
    public var droppedFields: [String]
    /// The tool's policy (thresholds and fallback come from here).
    public var policy: ToolPolicy
    /// The ``SafetyTokenizer`` tokens of each text field, by path: made once while normalising (the
    /// numbers written in prose come from them) and reused by the funnel's safety check, so a check
    /// tokenises the proposed call once.
    public var textTokens: [String: [SafetyToken]] = [:]

    /// The partition the call is compared within.
    public var partition: PartitionKey { call.partition }
}
