import DedupCore
import DedupTesting
import Foundation
import Testing

/// The pair model's two kinds: the bundled model against the training script's fixtures, and the trees'
/// evaluation rules (scikit-learn's float32 comparison, the sum of leaves) on hand-written models.
@Suite struct PairTreesTests {
    static let modelDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../models/pair-v1").standardizedFileURL

    struct Fixture {
        var what: String
        var row: [Double]
        var probability: Double
    }

    /// The header (model id, SHA-256 of model.json, feature names) and the rows of
    /// `Fixtures/pair-model.jsonl`, written by `models/train/pair_model.py` from scikit-learn's `predict_proba`.
    static func fixtures() throws -> (header: JSONValue, rows: [Fixture]) {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/pair-model.jsonl")
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        let parsed = try lines.map { try JSONParser().parse(Data($0.utf8)) }
        let rows = parsed.dropFirst()
            .map { line in
                var row: [Double] = []
                if case .array(let values)? = line["x"] { row = values.compactMap(\.doubleValue) }
                return Fixture(
                    what: line["what"]?.stringValue ?? "",
                    row: row,
                    probability: line["p"]?.doubleValue ?? .nan
                )
            }
        return (parsed.first ?? .null, rows)
    }

    static func load(_ json: String) throws -> PairModel {
        let directory = try TemporaryDirectory()
        try Data(json.utf8).write(to: directory.url.appendingPathComponent("model.json"))
        return try PairModel.load(from: directory.url)
    }

    @Test func reproducesTheTrainingScriptsProbabilities() throws {
        let model = try PairModel.load(from: Self.modelDirectory)
        let (header, rows) = try Self.fixtures()
        let text = try String(contentsOf: Self.modelDirectory.appendingPathComponent("model.json"), encoding: .utf8)
        // Fixtures of another model would test nothing: the trainer writes both, so retrain rewrites both.
        #expect(header["model_sha256"]?.stringValue == StableHash.sha256Hex(text), "retrain to refresh the fixtures")
        #expect(header["model"]?.stringValue == model.id)
        if case .array(let names)? = header["features"] { #expect(names.compactMap(\.stringValue) == model.features) }
        #expect(rows.count >= 100)
        var worst = 0.0
        for fixture in rows {
            #expect(fixture.row.count == model.features.count, "\(fixture.what)")
            let difference = abs(model.probability(fixture.row) - fixture.probability)
            worst = max(worst, difference)
            #expect(
                difference <= 1e-9,
                "\(fixture.what): Swift \(model.probability(fixture.row)) vs \(fixture.probability)"
            )
        }
        #expect(worst <= 1e-9)
    }

    @Test func theBundledModelIsAFewShallowTrees() throws {
        let model = try PairModel.load(from: Self.modelDirectory)
        #expect(model.kind == .boostedTrees)
        let size = model.size
        #expect(size.trees > 0 && size.trees <= 100)
        // Depth ≤ 2: at most 7 nodes a tree.
        #expect(size.nodes <= 7 * size.trees)
    }

    /// One stump on `learned_cos_min` at 0.8 (not a float32 value): Float(0.8) = 0.800000011920929 is above it.
    static let stump = #"""
        {"kind": "boosted_trees", "features": ["learned_cos_min"], "init": 0.5, "learning_rate": 0.1,
         "trees": [{"feature": [0, -1, -1], "threshold": [0.8, 0, 0], "left": [1, -1, -1], "right": [2, -1, -1],
                    "value": [0, -2, 3]},
                   {"feature": [-1], "threshold": [0], "left": [-1], "right": [-1], "value": [1]}],
         "calibration": []}
        """#

    @Test func treesSumTheirLeavesAndCompareFeaturesAsFloat32() throws {
        let model = try Self.load(Self.stump)
        #expect(model.kind == .boostedTrees)
        #expect(model.size == (2, 4))
        func logistic(_ raw: Double) -> Double { 1 / (1 + exp(-raw)) }
        // Left: 0.5 + 0.1 × (−2) + 0.1 × 1; right: 0.5 + 0.1 × 3 + 0.1 × 1.
        #expect(abs(model.probability(["learned_cos_min": 0.5]) - logistic(0.5 - 0.2 + 0.1)) < 1e-15)
        #expect(abs(model.probability(["learned_cos_min": 0.9]) - logistic(0.5 + 0.3 + 0.1)) < 1e-15)
        // 0.8 as a Double is ≤ the threshold, but scikit-learn compares Float(0.8), which is above it.
        #expect(Double(Float(0.8)) > 0.8)
        #expect(abs(model.probability(["learned_cos_min": 0.8]) - logistic(0.5 + 0.3 + 0.1)) < 1e-15)
        #expect(abs(model.probability(["learned_cos_min": 0.7999999]) - logistic(0.5 - 0.2 + 0.1)) < 1e-15)
    }

    @Test(arguments: [
        // A child before its parent would let a walk loop.
        #""trees": [{"feature": [0, -1], "threshold": [0.5, 0], "left": [0, -1], "right": [1, -1], "value": [0, 1]}]"#,
        // A feature index past the model's features.
        #""trees": [{"feature": [3, -1, -1], "threshold": [0.5, 0, 0], "left": [1, -1, -1], "right": [2, -1, -1], "value": [0, 1, 2]}]"#,
        // Arrays of different lengths.
        #""trees": [{"feature": [0, -1, -1], "threshold": [0.5, 0], "left": [1, -1, -1], "right": [2, -1, -1], "value": [0, 1, 2]}]"#,
    ])
    func malformedTreesAreRefused(_ trees: String) throws {
        let json =
            #"{"kind": "boosted_trees", "features": ["learned_cos_min"], "init": 0, "learning_rate": 0.1, "calibration": [], "#
            + trees + "}"
        #expect {
            _ = try Self.load(json)
        } throws: { error in
            (error as? DedupError)?.message.contains("not a well-formed tree") == true
        }
    }

    @Test func anUnknownKindIsRefusedAndNoKindIsALogisticRegression() throws {
        #expect {
            _ = try Self.load(#"{"kind": "forest", "features": [], "calibration": []}"#)
        } throws: { error in
            (error as? DedupError)?.message.contains("unknown \"kind\" forest") == true
        }
        let old = try Self.load(
            #"{"features": ["learned_cos_min"], "mean": [0], "scale": [1], "weights": [1], "bias": 0, "calibration": []}"#
        )
        #expect(old.kind == .logisticRegression && old.size == (0, 0))
        #expect(abs(old.probability([0.0]) - 0.5) < 1e-15)
    }
}
