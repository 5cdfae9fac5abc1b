/// The sparse features the hashing embedder is built from: words, word pairs and character n-grams.
///
/// Words catch shared vocabulary, word pairs catch phrasing, and character n-grams (from the word with
/// `<` and `>` marking its ends) catch inflections and typos ("cancelled" ~ "canceled").
///
/// Features are named by strings (`w1:report`, `w2:the report`, `c:<re`) and hashed with
/// ``StableHash/hash64(_:seed:)``. The embedder never builds those strings: ``forEachHash(in:seed:_:)``
/// streams the same bytes through the same hash, which is several times faster and gives identical hashes
/// (a test holds the two paths equal).
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

    /// Lower-cased words of `text`: maximal runs of letters and digits.
    public static func words(_ text: String) -> [String] {
        wordScalars(text).map { String(String.UnicodeScalarView($0)) }
    }

    static func wordScalars(_ text: String) -> [[Unicode.Scalar]] {
        var words: [[Unicode.Scalar]] = []
        var current: [Unicode.Scalar] = []
        for scalar in text.lowercased().unicodeScalars {
            let isWordScalar =
                scalar.isASCII
                ? (scalar.value >= 0x30 && scalar.value <= 0x39) || (scalar.value >= 0x61 && scalar.value <= 0x7A)
                : scalar.properties.isAlphabetic || scalar.properties.numericType != nil
            if isWordScalar {
                current.append(scalar)
            } else if !current.isEmpty {
                words.append(current)
                current.removeAll(keepingCapacity: true)
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    private static func weight(ofWordNGram length: Int) -> Float { length == 1 ? 1 : 0.5 }
    private static let charWeight: Float = 0.25

    /// Calls `body` with each feature's name and weight; a feature may repeat. The reference path.
    public func forEach(in text: String, _ body: (String, Float) -> Void) {
        let words = Self.words(text)
        for length in wordNGrams where length <= words.count {
            for start in 0...(words.count - length) {
                body(
                    "w\(length):" + words[start..<start + length].joined(separator: " "),
                    Self.weight(ofWordNGram: length)
                )
            }
        }
        for word in words {
            let characters = Array(("<" + word + ">").unicodeScalars)
            for length in charNGrams where length <= characters.count {
                for start in 0...(characters.count - length) {
                    body("c:" + String(String.UnicodeScalarView(characters[start..<start + length])), Self.charWeight)
                }
            }
        }
    }

    /// Calls `body` with the hash of each feature (as `StableHash.hash64(name, seed:)`) and its weight.
    public func forEachHash(in text: String, seed: UInt64, _ body: (UInt64, Float) -> Void) {
        let words = Self.wordScalars(text)
        for length in wordNGrams where length <= words.count {
            let prefix = StableHash.Streaming(seed: seed).adding("w\(length):")
            for start in 0...(words.count - length) {
                var hasher = prefix
                for offset in 0..<length {
                    if offset > 0 { hasher.add(byte: 0x20) }
                    hasher.add(words[start + offset])
                }
                body(hasher.finish(), Self.weight(ofWordNGram: length))
            }
        }
        let charPrefix = StableHash.Streaming(seed: seed).adding("c:")
        var characters: [Unicode.Scalar] = []
        for word in words {
            characters.removeAll(keepingCapacity: true)
            characters.append("<")
            characters.append(contentsOf: word)
            characters.append(">")
            for length in charNGrams where length <= characters.count {
                for start in 0...(characters.count - length) {
                    var hasher = charPrefix
                    hasher.add(characters[start..<start + length])
                    body(hasher.finish(), Self.charWeight)
                }
            }
        }
    }
}
