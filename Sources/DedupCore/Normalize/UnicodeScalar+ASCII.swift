extension Unicode.Scalar {
    /// `properties.isWhitespace`, answered for ASCII without Unicode's property tables. Most text is
    /// ASCII, and the table lookups were 5 % of a check under `perf` (every text is scanned by the code
    /// detector, the tokenizer and the classifier).
    var isUnicodeWhitespace: Bool {
        guard isASCII else { return properties.isWhitespace }
        return value == 0x20 || (0x09...0x0D).contains(value)
    }

    /// `properties.isAlphabetic`, answered for ASCII without the tables.
    var isUnicodeAlphabetic: Bool {
        guard isASCII else { return properties.isAlphabetic }
        return (0x41...0x5A).contains(value) || (0x61...0x7A).contains(value)
    }

    /// `properties.isUppercase`, answered for ASCII without the tables.
    var isUnicodeUppercase: Bool {
        guard isASCII else { return properties.isUppercase }
        return (0x41...0x5A).contains(value)
    }
}
