public import Foundation

/// The versioned parameters of a ``HashingEmbedder``: a manifest plus a file of per-bucket IDF weights.
///
/// `models/<name>/manifest.json` names the version, dimension, n-gram ranges, hash seed and the SHA-256
/// of the weights file; loading refuses weights that do not match, so a half-copied model never
/// silently produces different vectors. `dedup model fit` regenerates a model from a corpus.
public struct EmbeddingModel: Sendable, Hashable {
    /// Model name, e.g. `hashing`.
    public var name: String
    /// Model version; a change means stored embeddings must be recomputed.
    public var version: String
    /// Output dimension.
    public var dimension: Int
    /// Word n-gram lengths.
    public var wordNGrams: ClosedRange<Int>
    /// Character n-gram lengths.
    public var charNGrams: ClosedRange<Int>
    /// Seed of the feature hash.
    public var seed: UInt64
    /// IDF weight per feature bucket (a power of two in length).
    public var idf: [Float]
    /// Free-form notes on how the model was fitted (corpus, size).
    public var notes: String

    /// `name@version`.
    public var id: String { "\(name)@\(version)" }

    /// A model; `idf.count` must be a power of two.
    public init(
        name: String,
        version: String,
        dimension: Int,
        wordNGrams: ClosedRange<Int>,
        charNGrams: ClosedRange<Int>,
        seed: UInt64,
        idf: [Float],
        notes: String = ""
    ) {
        precondition(idf.count > 0 && idf.count & (idf.count - 1) == 0, "IDF bucket count must be a power of two")
        self.name = name
        self.version = version
        self.dimension = dimension
        self.wordNGrams = wordNGrams
        self.charNGrams = charNGrams
        self.seed = seed
        self.idf = idf
        self.notes = notes
    }

    /// The model bundled with the package (`models/hashing-v1`).
    public static func bundled() throws(DedupError) -> EmbeddingModel {
        guard let directory = BundledModelsLocator.hashingV1 else {
            throw .model("the bundled model models/hashing-v1 is missing from this build; pass --model DIR")
        }
        return try load(from: directory)
    }

    /// Loads `manifest.json` and its weights from `directory`, checking the checksum.
    public static func load(from directory: URL) throws(DedupError) -> EmbeddingModel {
        let manifestURL = directory.appendingPathComponent("manifest.json")
        let manifest = try ModelFiles.json(at: manifestURL, what: "model manifest")
        func field<T>(_ key: String, _ read: (JSONValue) -> T?) throws(DedupError) -> T {
            guard let value = manifest[key], let result = read(value) else {
                throw .model("model manifest \(manifestURL.path): missing or invalid \"\(key)\"")
            }
            return result
        }
        func range(_ key: String) throws(DedupError) -> ClosedRange<Int> {
            let bounds: [Int] = try field(key) { value in
                guard case .array(let items) = value, items.count == 2 else { return nil }
                let numbers = items.compactMap { $0.doubleValue.map(Int.init) }
                return numbers.count == 2 && numbers[0] >= 1 && numbers[0] <= numbers[1] ? numbers : nil
            }
            return bounds[0]...bounds[1]
        }
        let weightsName: String = try field("weights") { $0.stringValue }
        let expectedChecksum: String = try field("weights_sha256") { $0.stringValue }
        let weightsURL = directory.appendingPathComponent(weightsName)
        let bytes = try ModelFiles.verifiedBytes(at: weightsURL, sha256: expectedChecksum, what: "model weights file")
        let buckets = bytes.count / 4
        guard bytes.count % 4 == 0, buckets > 0, buckets & (buckets - 1) == 0 else {
            throw .model("model weights \(weightsURL.path) must hold a power-of-two count of Float32 values")
        }
        let idf = (0..<buckets)
            .map { index in
                let offset = index * 4
                let bits =
                    UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
                    | UInt32(bytes[offset + 3]) << 24
                return Float(bitPattern: bits)
            }
        let seedText: String = try field("seed") { $0.stringValue }
        guard let seed = UInt64(seedText) else { throw .model("model manifest: \"seed\" must be a decimal string") }
        return EmbeddingModel(
            name: try field("name") { $0.stringValue },
            version: try field("version") { $0.stringValue },
            dimension: try field("dimension") { $0.doubleValue.map(Int.init).flatMap { $0 > 0 ? $0 : nil } },
            wordNGrams: try range("word_ngrams"),
            charNGrams: try range("char_ngrams"),
            seed: seed,
            idf: idf,
            notes: manifest["notes"]?.stringValue ?? ""
        )
    }

    /// Writes `manifest.json` and `idf.f32` (little-endian Float32) into `directory`.
    public func write(to directory: URL) throws(DedupError) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(idf.count * 4)
        for weight in idf {
            let bits = weight.bitPattern
            bytes += [UInt8(bits & 0xFF), UInt8(bits >> 8 & 0xFF), UInt8(bits >> 16 & 0xFF), UInt8(bits >> 24)]
        }
        let manifest: JSONValue = [
            "name": .string(name),
            "version": .string(version),
            "dimension": .number(JSONNumber(dimension)),
            "idf_buckets": .number(JSONNumber(idf.count)),
            "word_ngrams": [.number(JSONNumber(wordNGrams.lowerBound)), .number(JSONNumber(wordNGrams.upperBound))],
            "char_ngrams": [.number(JSONNumber(charNGrams.lowerBound)), .number(JSONNumber(charNGrams.upperBound))],
            "seed": .string(String(seed)),
            "weights": "idf.f32",
            "weights_sha256": .string(StableHash.sha256Hex(bytes: bytes)),
            "notes": .string(notes),
        ]
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data(bytes).write(to: directory.appendingPathComponent("idf.f32"))
            try Data((manifest.prettyText + "\n").utf8).write(to: directory.appendingPathComponent("manifest.json"))
        } catch {
            throw .model("cannot write model to \(directory.path): \(error.localizedDescription)")
        }
    }
}
