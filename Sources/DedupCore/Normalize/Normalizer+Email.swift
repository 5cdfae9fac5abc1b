extension Normalizer {
    /// Whether a collapsed string is an email address (one `@`, a local part, a dotted domain, no
    /// whitespace): addresses are case-insensitive in practice, so the normaliser lower-cases them.
    ///
    /// Every string value of every call passes here. An ASCII string (nearly all of them) is judged on its
    /// bytes, which give the same answer as its Characters; others by Character (a combining mark after an
    /// `@` makes another Character, and Unicode has more spaces than ASCII). Splitting by Character was 1.8 %
    /// of a check's server CPU when a call names a recipient.
    static func isEmail(_ string: String) -> Bool {
        let bytes = string.utf8
        guard let at = bytes.firstIndex(of: UInt8(ascii: "@")) else { return false }
        guard bytes.allSatisfy({ $0 < 0x80 }) else { return isEmailByCharacters(string) }
        let domain = bytes[bytes.index(after: at)...]
        let dot = UInt8(ascii: ".")
        guard at != bytes.startIndex, !domain.contains(UInt8(ascii: "@")), domain.contains(dot),
            domain.first != dot, domain.last != dot
        else { return false }
        return !bytes.contains { Unicode.Scalar($0).isUnicodeWhitespace }
    }

    /// ``isEmail(_:)`` by Character: the rule itself, for strings that are not all ASCII.
    static func isEmailByCharacters(_ string: String) -> Bool {
        let parts = string.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."),
            !parts[1].hasSuffix(".")
        else { return false }
        return !string.contains(where: { $0.isWhitespace })
    }
}
