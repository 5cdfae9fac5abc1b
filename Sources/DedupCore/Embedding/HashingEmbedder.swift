/// The bundled embedder: signed feature hashing of words, word pairs and character n-grams, IDF-weighted.
///
/// Each feature is hashed once with ``StableHash/hash64(_:seed:)``; the low 16+ bits pick its IDF bucket,
/// the next bits its output dimension, the top bit its sign (signed hashing keeps collisions unbiased).
/// No network, no GPU, microseconds per call, and the same vector on every machine.
public struct HashingEmbedder: Embedder {
    /// The model parameters.
    public let model: EmbeddingModel
    private let features: TextFeatures
    private let bucketMask: UInt64
    private let bucketBits: UInt64

    /// An embedder for `model`.
    public init(model: EmbeddingModel) {
        self.model = model
        self.features = TextFeatures(wordNGrams: model.wordNGrams, charNGrams: model.charNGrams)
        self.bucketMask = UInt64(model.idf.count - 1)
        self.bucketBits = UInt64(model.idf.count.trailingZeroBitCount)
    }

    /// The embedder with the bundled model.
    public static func bundled() throws(DedupError) -> HashingEmbedder {
        HashingEmbedder(model: try EmbeddingModel.bundled())
    }

    /// The model's output dimension.
    public var dimension: Int { model.dimension }
    /// `name@version` of the model.
    public var modelID: String { model.id }

    /// The fitted IDF weight of `word` as a unigram feature (`w1:` + the lower-cased word): how rare the
    /// word was in the fitting corpus, so a rare word ("Lisbon", "refund") weighs more than a common one.
    ///
    /// A text that splits into several words (a hyphenated or punctuated token) gets its rarest word's
    /// weight; one with no word gets 0. Buckets are shared by hashing, so a never-seen word reads the
    /// weight of whatever shares its bucket — a property of the model, the same on every machine.
    public func idf(ofWord word: String) -> Double {
        var rarest: Float = 0
        for scalars in TextFeatures.wordScalars(word) {
            var hasher = StableHash.Streaming(seed: model.seed).adding("w1:")
            hasher.add(scalars)
            let hash = hasher.finish()
            rarest = max(rarest, model.idf[Int(hash & bucketMask)])
        }
        return Double(rarest)
    }

    /// The L2-normalised embedding of `text`; empty when `text` has no words.
    public func embed(text: String) -> [Float] {
        var vector = [Float](repeating: 0, count: model.dimension)
        let dimension = UInt64(model.dimension)
        var any = false
        features.forEachHash(in: text, seed: model.seed) { hash, weight in
            let idf = model.idf[Int(hash & bucketMask)]
            let slot = Int(((hash >> bucketBits) & 0x7FFF_FFFF) % dimension)
            let sign: Float = hash >> 63 == 0 ? 1 : -1
            vector[slot] += sign * weight * idf
            any = true
        }
        guard any else { return [] }
        var norm: Float = 0
        for value in vector { norm += value * value }
        guard norm > 0 else { return [] }
        let scale = 1 / norm.squareRoot()
        for index in vector.indices { vector[index] *= scale }
        return vector
    }
}
