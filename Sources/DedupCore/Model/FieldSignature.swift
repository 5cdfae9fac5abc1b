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
        // Paths in byte order, each path and value followed by a separator no path or canonical value
        // contains unescaped (U+0000 is escaped in canonical JSON and never appears in a path we make).
        var hasher = StableHash.Streaming(seed: 0x6964_656e_7469_7479)
        for path in identity.keys.sorted(by: JSONValue.utf8Order) {
            hasher.add(path.unicodeScalars)
            hasher.add(byte: 0)
            hasher.add(identity[path]!.unicodeScalars)
            hasher.add(byte: 0)
        }
        return hasher.finish()
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
