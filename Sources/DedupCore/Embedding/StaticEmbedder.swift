public import Foundation

/// The learned embedder: a static (model2vec) distillation of all-MiniLM-L6-v2, one 256-float row per
/// WordPiece token, a text's vector being the mean of its tokens' rows.
///
/// Unlike the hashing embedder it knows that different words can mean the same thing ("fails" ~
/// "failing", "2" ~ "two"), at the cost of a 15 MB table; it runs in microseconds with no network. Loading
/// checks the SHA-256 of every file against `manifest.json`, so a half-copied model never silently gives
/// different vectors. `models/train/distill.py` rebuilds the model byte for byte.
public struct StaticEmbedder: Embedder {
    /// The tokenizer the model was distilled with.
    public let tokenizer: WordPieceTokenizer
    /// `vocabulary × dimension` Float32 rows, widened from the Float16 file once at load: the x86-64
    /// baseline has no Float16 instructions, and converting in the sum made embedding several times slower.
    private let rows: [Float]
    /// The output dimension.
    public let dimension: Int
    /// `name@version` of the model.
    public let modelID: String

    /// An embedder over explicit rows (tests build small ones).
    public init(tokenizer: WordPieceTokenizer, rows: [Float], dimension: Int, modelID: String) {
        precondition(rows.count == tokenizer.vocabulary.count * dimension, "one row per vocabulary token")
        self.tokenizer = tokenizer
        self.rows = rows
        self.dimension = dimension
        self.modelID = modelID
    }

    /// The embedder with the bundled model (`models/static-minilm-v1`).
    public static func bundled() throws(DedupError) -> StaticEmbedder {
        guard let directory = BundledModelsLocator.staticMiniLMV1 else {
            throw .model("the bundled model models/static-minilm-v1 is missing from this build")
        }
        return try load(from: directory)
    }

    /// Loads `manifest.json`, `vocab.txt` and `embeddings.f16` from `directory`, checking every checksum.
    public static func load(from directory: URL) throws(DedupError) -> StaticEmbedder {
        let manifestURL = directory.appendingPathComponent("manifest.json")
        let manifest = try ModelFiles.json(at: manifestURL, what: "model manifest")
        func number(_ value: JSONValue?, _ key: String) throws(DedupError) -> Int {
            guard let number = value?.doubleValue, number >= 0, number == number.rounded() else {
                throw .model("model manifest \(manifestURL.path): missing or invalid \"\(key)\"")
            }
            return Int(number)
        }
        func file(_ name: String) throws(DedupError) -> [UInt8] {
            guard let expected = manifest["files"]?[name]?.stringValue else {
                throw .model("model manifest \(manifestURL.path) lists no checksum for \(name)")
            }
            return try ModelFiles.verifiedBytes(
                at: directory.appendingPathComponent(name),
                sha256: expected,
                what: "model file"
            )
        }
        let dimension = try number(manifest["dimension"], "dimension")
        let settings = manifest["tokenizer"]
        guard settings?["type"]?.stringValue == "bert-wordpiece", dimension > 0 else {
            throw .model("model manifest \(manifestURL.path): expected a bert-wordpiece tokenizer and a dimension")
        }
        let vocabularyText = String(decoding: try file("vocab.txt"), as: UTF8.self)
        var tokens = vocabularyText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if tokens.last == "" { tokens.removeLast() }
        let weights = try file("embeddings.f16")
        guard weights.count == tokens.count * dimension * 2 else {
            throw .model("model file embeddings.f16 must hold \(tokens.count) × \(dimension) Float16 values")
        }
        // The file is little-endian, as are all platforms Swift on Linux and macOS runs on.
        let rows = weights.withUnsafeBytes { $0.bindMemory(to: Float16.self).map(Float.init) }
        let tokenizer = WordPieceTokenizer(
            vocabulary: TokenVocabulary(
                tokens: tokens,
                continuationPrefix: settings?["continuing_prefix"]?.stringValue ?? "##"
            ),
            unknownID: Int32(try number(settings?["unk_id"], "tokenizer.unk_id")),
            maxInputCharsPerWord: try number(settings?["max_input_chars_per_word"], "max_input_chars_per_word"),
            maxLength: try number(settings?["max_length"], "tokenizer.max_length"),
            medianTokenLength: try number(settings?["median_token_length"], "tokenizer.median_token_length"),
            addedTokens: (settings?["added_tokens"]?.objectValue ?? [:])
                .compactMapValues { $0.doubleValue.map { Int32($0) } }
        )
        let name = manifest["name"]?.stringValue ?? "static"
        let version = manifest["version"]?.stringValue ?? "0"
        return StaticEmbedder(tokenizer: tokenizer, rows: rows, dimension: dimension, modelID: "\(name)@\(version)")
    }

    /// The L2-normalised mean of the token rows of `text`; empty when it has no known token.
    public func embed(text: String) -> [Float] {
        let ids = tokenizer.tokenize(text)
        guard !ids.isEmpty else { return [] }
        var sum = [Float](repeating: 0, count: dimension)
        rows.withUnsafeBufferPointer { table in
            sum.withUnsafeMutableBufferPointer { accumulator in
                for id in ids {
                    let base = Int(id) * dimension
                    for offset in 0..<dimension { accumulator[offset] += table[base + offset] }
                }
            }
        }
        var norm: Float = 0
        for value in sum { norm += value * value }
        guard norm > 0 else { return [] }
        let scale = 1 / norm.squareRoot()
        for index in sum.indices { sum[index] *= scale }
        return sum
    }
}
