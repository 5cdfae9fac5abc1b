/// The sparse features the hashing embedder is built from: words, word pairs and character n-grams.
///
/// Words catch shared vocabulary, word pairs catch phrasing, and character n-grams (from the word with
/// `<` and `>` marking its ends) catch inflections and typos ("cancelled" ~ "canceled").
public struct TextFeatures: Sendable, Hashable {
    /// Word n-gram lengths, e.g. 1...2.
    public var wordNGrams: ClosedRange<Int>
    /// Character n-gram lengths, e.g. 3...5.
    public var charNGrams: ClosedRange<Int>

    /// A feature extractor.
    public init(wordNGrams: ClosedRange<Int> = 1...2, charNGrams: ClosedRange<Int> = 3...5) {
        self.wordNGrams = wordNGrams
        self.charNGrams = charNGrams
    }

    /// Lower-cased alphanumeric words of `text`.
    public static func words(_ text: String) -> [String] {
        text.lowercased()
            .split(whereSeparator: { !($0.isLetter || $0.isNumber) })
            .map(String.init)
    }

    /// Calls `body` with each feature and its weight; a feature may repeat.
    public func forEach(in text: String, _ body: (String, Float) -> Void) {
        let words = Self.words(text)
        for length in wordNGrams where length <= words.count {
            let weight: Float = length == 1 ? 1 : 0.5
            for start in 0...(words.count - length) {
                body("w\(length):" + words[start..<start + length].joined(separator: " "), weight)
            }
        }
        for word in words {
            let characters = Array("<" + word + ">")
            for length in charNGrams where length <= characters.count {
                for start in 0...(characters.count - length) {
                    body("c:" + String(characters[start..<start + length]), 0.25)
                }
            }
        }
    }
}
