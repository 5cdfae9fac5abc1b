import DedupCore
import Foundation
import Testing

@Suite struct EmbedderTests {
    let embedder: HashingEmbedder

    init() throws {
        embedder = try HashingEmbedder.bundled()
    }

    @Test func bundledModelLoadsWithItsChecksum() throws {
        #expect(embedder.modelID == "hashing@1.0.0")
        #expect(embedder.dimension == 256)
        #expect(embedder.model.idf.count == 65536)
    }

    @Test func embeddingsAreDeterministicAndNormalised() {
        let text = "Hi Bob, the quarterly report is attached."
        let first = embedder.embed(text: text)
        let second = HashingEmbedder(model: embedder.model).embed(text: text)
        #expect(first == second)
        #expect(first.count == 256)
        let norm = first.reduce(0) { $0 + $1 * $1 }
        #expect(abs(norm - 1) < 1e-5)
        #expect(embedder.embed(text: "  ,;  ").isEmpty)
    }

    @Test(arguments: ["Hi Bob — the quarterly report is attached!", "Ünïcödé straße ΣΊΣΥΦΟΣ 東京 42", "", "a"])
    func streamedFeatureHashesEqualHashedFeatureNames(_ text: String) {
        let features = TextFeatures()
        var named: [UInt64] = []
        features.forEach(in: text) { name, _ in named.append(StableHash.hash64(name, seed: 7)) }
        var streamed: [UInt64] = []
        features.forEachHash(in: text, seed: 7) { hash, _ in streamed.append(hash) }
        #expect(named == streamed)
    }

    @Test func rewordingScoresHigherThanAnotherTopic() {
        let base = embedder.embed(text: "Please send the quarterly report to the finance team today")
        let reworded = embedder.embed(text: "Send the quarterly report to the finance team today please")
        let other = embedder.embed(text: "Book a table for two at the Italian place on Friday")
        #expect(dot(base, reworded) > 0.85)
        #expect(dot(base, other) < 0.4)
        #expect(dot(base, reworded) > dot(base, other) + 0.4)
    }

    @Test func aTamperedModelIsRefused() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("model-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try embedder.model.write(to: directory)
        #expect(try EmbeddingModel.load(from: directory) == embedder.model)
        let weights = directory.appendingPathComponent("idf.f32")
        var bytes = try Data(contentsOf: weights)
        bytes[0] ^= 0xFF
        try bytes.write(to: weights)
        do {
            _ = try EmbeddingModel.load(from: directory)
            Issue.record("a tampered model must be refused")
        } catch {
            #expect(error.isModel)
            #expect(error.message.contains("checksum"))
        }
        #expect(throws: DedupError.self) { try EmbeddingModel.load(from: directory.appendingPathComponent("missing")) }
    }

    @Test func fittingGivesRareFeaturesMoreWeight() {
        let fitter = ModelFitter(buckets: 1024)
        let model = fitter.fit(documents: ["the cat", "the dog", "the bird", "the zebra"], notes: "test")
        let common = model.idf[bucket("w1:the", fitter)]
        let rare = model.idf[bucket("w1:zebra", fitter)]
        #expect(rare > common)
    }

    private func bucket(_ feature: String, _ fitter: ModelFitter) -> Int {
        Int(StableHash.hash64(feature, seed: fitter.seed) & UInt64(fitter.buckets - 1))
    }
}

func dot(_ lhs: [Float], _ rhs: [Float]) -> Float {
    zip(lhs, rhs).reduce(0) { $0 + $1.0 * $1.1 }
}
