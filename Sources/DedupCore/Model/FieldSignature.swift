/// The fields of a normalised call, split into identity and text, as the semantic layer compares them.
///
/// Identity fields (ids, e-mails, amounts, dates, enum-like values, and the numbers written inside free
/// text) must be equal for two calls to be the same action; text fields may be reworded.
public struct FieldSignature: Sendable, Hashable {
    /// Identity fields by path, with canonical values.
    public var identity: [String: String]
    /// Free-text fields by path, normalised (NFKC, whitespace collapsed).
    public var text: [String: String]

    /// A signature.
    public init(identity: [String: String] = [:], text: [String: String] = [:]) {
        self.identity = identity
        self.text = text
    }

    /// A stable 64-bit hash of the identity fields: calls whose identity groups differ are never compared.
    public var identityGroup: UInt64 {
        StableHash.hash64(JSONValue.object(identity.mapValues { .string($0) }).canonicalText)
    }

    /// The signature as JSON, for storage.
    public var jsonValue: JSONValue {
        .object([
            "identity": .object(identity.mapValues { .string($0) }),
            "text": .object(text.mapValues { .string($0) }),
        ])
    }

    /// Reads a signature stored by ``jsonValue``; missing parts read as empty.
    public init(json: JSONValue) {
        self.identity = (json["identity"]?.objectValue ?? [:]).compactMapValues(\.stringValue)
        self.text = (json["text"]?.objectValue ?? [:]).compactMapValues(\.stringValue)
    }
}
