import DedupCore
import DedupTesting
import Foundation
import Testing

@Suite struct PairModelVerifierTests {
    static let modelDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../models/pair-v1").standardizedFileURL

    @Test func thresholdComesFromTheCalibrationCurve() throws {
        let model = try PairModel.load(from: Self.modelDirectory)
        let strict = model.threshold(forMaxFalseDuplicateRate: 0.005)
        let loose = model.threshold(forMaxFalseDuplicateRate: 0.05)
        #expect(loose <= strict)
        #expect(strict <= 1)
        let chosen = try #require(model.calibration.first { $0.threshold == strict })
        #expect(chosen.upper <= 0.005)
        #expect(model.calibration.filter { $0.threshold < strict }.allSatisfy { $0.upper > 0.005 })
        // A rate no threshold meets means never a duplicate.
        #expect(model.threshold(forMaxFalseDuplicateRate: 0) > 1)
    }

    @Test func aModelNamingAFeatureThisBuildLacksIsRefused() throws {
        let directory = try TemporaryDirectory()
        let model =
            #"{"features": ["learned_cos_min", "safety_number_diffs"], "mean": [0, 0], "scale": [1, 1], "weights": [1, 1], "bias": 0, "calibration": []}"#
        try Data(model.utf8).write(to: directory.url.appendingPathComponent("model.json"))
        #expect {
            _ = try PairModel.load(from: directory.url)
        } throws: { error in
            (error as? DedupError)?.message.contains("\"safety_number_diffs\"") == true
        }
    }

    @Test func probabilityIsTheLogisticOfStandardisedWeightedFeatures() throws {
        let directory = try TemporaryDirectory()
        let model =
            #"{"features": ["learned_cos_min"], "mean": [0.5], "scale": [0.25], "weights": [2], "bias": -1, "calibration": []}"#
        try Data(model.utf8).write(to: directory.url.appendingPathComponent("model.json"))
        let loaded = try PairModel.load(from: directory.url)
        // logit = -1 + 2 × (1.0 − 0.5) / 0.25 = 3
        #expect(abs(loaded.probability(["learned_cos_min": 1.0]) - 1 / (1 + exp(-3))) < 1e-12)
    }

    @Test(arguments: [
        ("The build is failing on main again.", "The build fails on main again."),
        ("Heads up: the meeting is moved to 3pm tomorrow", "Heads up - meeting has been moved to 3pm tomorrow"),
    ])
    func theDefaultLedgerCatchesRewordings(_ first: String, _ second: String) async throws {
        let ledger = try await DedupLedger(store: MemoryLedgerStore(), embedder: HashingEmbedder.bundled())
        let claimed = try await ledger.claim(
            ToolCall(
                tenant: "t",
                scope: "s",
                tool: "post_message",
                arguments: ["channel": "eng", "text": .string(first)]
            )
        )
        let id = try #require(claimed.callID)
        _ = try await ledger.complete(tenant: "t", callID: id, .succeeded(["ok": true]))
        let verdict = try await ledger.check(
            ToolCall(
                tenant: "t",
                scope: "s",
                tool: "post_message",
                arguments: ["channel": "eng", "text": .string(second)]
            )
        )
        #expect(verdict.decision == .duplicate, "\(verdict.reason)")
    }

    @Test func unrelatedTextsStayNew() async throws {
        let ledger = try await DedupLedger(store: MemoryLedgerStore(), embedder: HashingEmbedder.bundled())
        let post = { (text: String) in
            ToolCall(
                tenant: "t",
                scope: "s",
                tool: "post_message",
                arguments: ["channel": "eng", "text": .string(text)]
            )
        }
        let claimed = try await ledger.claim(post("The build is failing on main again."))
        _ = try await ledger.complete(tenant: "t", callID: try #require(claimed.callID), .succeeded())
        let verdict = try await ledger.check(post("Lunch is in the kitchen today."))
        #expect(verdict.decision == .new)
    }
}
