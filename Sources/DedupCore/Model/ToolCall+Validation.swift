extension ToolCall {
    /// Refuses names that cannot be compared or stored faithfully, naming the field.
    ///
    /// Tenant, scope, tool and idempotency key are names, not text: they must be 1 to `maxLength` code
    /// points (as JSON Schema's `maxLength` counts them — not grapheme clusters, which let a single
    /// "character" of stacked combining marks run to any length) and hold no control characters
    /// (U+0000–U+001F, U+007F–U+009F). JSON lets a string spell `\u0000`, and a store or a log line may
    /// end a name there: `"a\u0000x"` would become `"a"` and alias every other name that starts so. Such
    /// a name is refused with a 400 rather than stored; argument values may hold any character.
    public func validateNames(maxLength: Int) throws(DedupError) {
        var names = [("tenant", tenant), ("scope", scope), ("tool", tool)]
        if let idempotencyKey { names.append(("idempotency_key", idempotencyKey)) }
        for (label, value) in names {
            try Self.validate(name: value, label: label, maxLength: maxLength)
        }
    }

    /// Checks one name: see ``validateNames(maxLength:)``. Also used for names that arrive elsewhere
    /// (a scope in a URL path, a tenant in the key file).
    public static func validate(name value: String, label: String, maxLength: Int) throws(DedupError) {
        guard !value.allSatisfy(\.isWhitespace) else { throw .invalidInput("\(label) must not be empty") }
        guard value.unicodeScalars.count <= maxLength else {
            throw .invalidInput("\(label) is longer than \(maxLength) characters")
        }
        if let scalar = value.unicodeScalars.first(where: isControl) {
            let code = String(scalar.value, radix: 16, uppercase: true)
            throw .invalidInput(
                "\(label) must not contain control characters (found U+\(String(repeating: "0", count: max(0, 4 - code.count)))\(code))"
            )
        }
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}
