/// Decides whether a field is identity (must match exactly) or text (may be reworded).
///
/// Strings that are code (SQL, shell, paths, URLs, regular expressions, JSON, markup — see
/// ``CodeDetector``) are identity whatever the field is called. A field a policy declares text stays
/// text, and the safety check then compares code in it exactly.
///
/// The defaults lean to identity: a field wrongly taken as text can let two different actions look
/// alike, while a field wrongly taken as identity only makes a reworded retry look new.
struct FieldClassifier: Sendable {
    /// Key names (lower-cased, separators removed) whose string values are free text.
    static let textKeyHints: [String] = [
        "message", "body", "text", "content", "description", "subject", "title", "summary", "note", "comment",
        "query", "prompt", "reason", "question", "instruction", "caption", "feedback", "review", "reply",
        "response", "answer", "details", "explanation", "bio", "post", "tweet", "memo", "story", "topic",
    ]

    /// ``textKeyHints`` as UTF-8 bytes: searched in every string field's name, and `String.contains` of a
    /// string is a slow generic search on Linux.
    private static let textKeyHintBytes: [[UInt8]] = textKeyHints.map { Array($0.utf8) }

    /// Key names that are identity whatever their value looks like.
    static let identityKeyHints: Set<String> = [
        "to", "cc", "bcc", "from", "recipient", "recipients", "sender", "email", "emails", "phone", "amount",
        "price", "currency", "account", "iban", "date", "time", "url", "uri", "path", "sku", "quantity", "qty",
        "count", "number", "name", "username", "handle", "address", "street", "city", "zip", "zipcode",
        "postcode", "country", "location", "destination", "origin", "symbol", "ticker", "channel", "file",
        "filename", "key", "code", "status", "type", "mode", "action", "state", "level", "priority",
        "category", "language", "unit", "method", "operation", "command",
    ]

    enum FieldClass {
        case identity
        case text
    }

    func classify(path: String, key: String, value: JSONValue, policy: ToolPolicy) -> FieldClass {
        if ToolPolicy.matches(policy.identityFields, path: path) { return .identity }
        if ToolPolicy.matches(policy.textFields, path: path) {
            return value.stringValue == nil ? .identity : .text
        }
        guard let string = value.stringValue else { return .identity }
        // Code is identity, also in fields whose names sound like prose (`query`, `script`).
        if CodeDetector.looksLikeCode(string) { return .identity }
        let name = Normalizer.squashedName(key)
        let words = Self.wordCount(string)
        if Self.identityKeyHints.contains(name) || name.hasSuffix("id") || name.hasSuffix("ids")
            || name.hasSuffix("email") || name.hasSuffix("amount") || name.hasSuffix("date")
        {
            return .identity
        }
        if words >= 2 {
            let nameBytes = Array(name.utf8)
            if Self.textKeyHintBytes.contains(where: { nameBytes.contains(sequence: $0) }) { return .text }
        }
        // An unnamed string reads as prose only when it is a sentence-length run of words.
        return words >= 4 ? .text : .identity
    }

    /// How many runs of characters other than the space `string` holds: `split(separator: " ").count`,
    /// without making the pieces.
    static func wordCount(_ string: String) -> Int {
        var count = 0
        var inWord = false
        for byte in string.utf8 {
            if byte == UInt8(ascii: " ") {
                inWord = false
            } else if !inWord {
                inWord = true
                count += 1
            }
        }
        return count
    }
}
