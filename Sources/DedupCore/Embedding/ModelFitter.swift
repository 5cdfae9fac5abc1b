import Foundation

/// Fits a ``EmbeddingModel``'s IDF weights on a corpus of real tool calls.
///
/// A document is one call's free text (its text fields, or every multi-word string when it has none).
/// The weight of bucket b is `ln((N + 1) / (df_b + 1)) + 1`: common phrasing ("please", "the") counts
/// less than the words that say what the action is.
public struct ModelFitter: Sendable {
    /// Name, version, dimension, n-gram ranges and seed of the model to fit.
    public var name: String
    /// Version written to the manifest.
    public var version: String
    /// Output dimension.
    public var dimension: Int
    /// Number of IDF buckets (a power of two).
    public var buckets: Int
    /// Word n-gram lengths.
    public var wordNGrams: ClosedRange<Int>
    /// Character n-gram lengths.
    public var charNGrams: ClosedRange<Int>
    /// Feature hash seed.
    public var seed: UInt64

    /// A fitter with the defaults of the bundled model.
    public init(
        name: String = "hashing",
        version: String = "1.0.0",
        dimension: Int = 256,
        buckets: Int = 1 << 16,
        wordNGrams: ClosedRange<Int> = 1...2,
        charNGrams: ClosedRange<Int> = 3...5,
        seed: UInt64 = 0x6465_6475_7031
    ) {
        self.name = name
        self.version = version
        self.dimension = dimension
        self.buckets = buckets
        self.wordNGrams = wordNGrams
        self.charNGrams = charNGrams
        self.seed = seed
    }

    /// Fits IDF weights over `documents`.
    public func fit(documents: [String], notes: String) -> EmbeddingModel {
        let extractor = TextFeatures(wordNGrams: wordNGrams, charNGrams: charNGrams)
        var documentFrequency = [Int](repeating: 0, count: buckets)
        var seen = Set<Int>()
        for document in documents {
            seen.removeAll(keepingCapacity: true)
            extractor.forEachHash(in: document, seed: seed) { hash, _ in
                seen.insert(Int(hash & UInt64(buckets - 1)))
            }
            for bucket in seen { documentFrequency[bucket] += 1 }
        }
        let total = Double(documents.count)
        let idf = documentFrequency.map { Float(log((total + 1) / (Double($0) + 1)) + 1) }
        return EmbeddingModel(
            name: name,
            version: version,
            dimension: dimension,
            wordNGrams: wordNGrams,
            charNGrams: charNGrams,
            seed: seed,
            idf: idf,
            notes: notes
        )
    }

    /// The documents of a corpus of calls: each call's text fields, or its multi-word strings.
    public static func documents(from calls: [ToolCall], normalizer: Normalizer) -> [String] {
        calls.compactMap { call -> String? in
            guard let normalized = try? normalizer.normalize(call) else { return nil }
            var texts = Array(normalized.signature.text.values)
            if texts.isEmpty {
                texts = normalized.signature.identity.values.compactMap { value in
                    guard case .string(let text)? = try? JSONParser().parse(value), text.contains(" ") else {
                        return nil
                    }
                    return text
                }
            }
            return texts.isEmpty ? nil : texts.sorted().joined(separator: " \n ")
        }
    }
}
