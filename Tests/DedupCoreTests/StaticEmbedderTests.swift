import DedupCore
import DedupTesting
import Foundation
import Testing

@Suite struct StaticEmbedderTests {
    let embedder: StaticEmbedder

    init() throws {
        embedder = try StaticEmbedder.bundled()
    }

    struct Fixture {
        var text: String
        var ids: [Int32]
        var vector: [Float]
    }

    /// Texts, token ids and vectors written by `models/train/distill.py` from model2vec's own `encode`.
    static func fixtures() throws -> [Fixture] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/static-embedder.json")
        guard case .array(let entries) = try JSONParser().parse(Data(contentsOf: url)) else { return [] }
        func numbers(_ value: JSONValue?) -> [Double] {
            guard case .array(let items)? = value else { return [] }
            return items.compactMap(\.doubleValue)
        }
        return entries.map { entry in
            Fixture(
                text: entry["text"]?.stringValue ?? "",
                ids: numbers(entry["ids"]).map { Int32($0) },
                vector: numbers(entry["vector"]).map { Float($0) }
            )
        }
    }

    @Test func bundledModelLoadsWithItsChecksums() {
        #expect(embedder.modelID == "static-minilm@1.0.0")
        #expect(embedder.dimension == 256)
        #expect(embedder.tokenizer.vocabulary.count == 29525)
    }

    @Test func reproducesTheTrainingScriptsTokensAndVectors() throws {
        let fixtures = try Self.fixtures()
        #expect(fixtures.count >= 30)
        for fixture in fixtures {
            #expect(embedder.tokenizer.tokenize(fixture.text) == fixture.ids, "\(fixture.text)")
            let vector = embedder.embed(text: fixture.text)
            let norm = fixture.vector.reduce(0) { $0 + $1 * $1 }
            if fixture.ids.isEmpty || norm == 0 {
                #expect(vector.isEmpty, "\(fixture.text)")
                continue
            }
            let cosine = zip(vector, fixture.vector).reduce(Float(0)) { $0 + $1.0 * $1.1 } / norm.squareRoot()
            #expect(cosine >= 0.999, "\(fixture.text): cosine \(cosine)")
        }
    }

    @Test func rewordingsScoreCloserThanUnrelatedTexts() {
        func cosine(_ lhs: String, _ rhs: String) -> Float {
            zip(embedder.embed(text: lhs), embedder.embed(text: rhs)).reduce(0) { $0 + $1.0 * $1.1 }
        }
        let reworded = cosine("The build is failing on main again.", "The build fails on main again.")
        let unrelated = cosine("The build is failing on main again.", "Book a table for two at eight")
        #expect(reworded > 0.9)
        #expect(unrelated < reworded - 0.3)
    }

    @Test func refusesAFileThatDoesNotMatchTheManifest() throws {
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../models/static-minilm-v1").standardizedFileURL
        let directory = try TemporaryDirectory()
        let copy = URL(fileURLWithPath: directory.path("model"))
        try FileManager.default.copyItem(at: source, to: copy)
        var vocabulary = try Data(contentsOf: copy.appendingPathComponent("vocab.txt"))
        vocabulary[0] ^= 1
        try vocabulary.write(to: copy.appendingPathComponent("vocab.txt"))
        #expect {
            _ = try StaticEmbedder.load(from: copy)
        } throws: { error in
            (error as? DedupError)?.message.contains("does not match the manifest's checksum") == true
        }
    }
}
