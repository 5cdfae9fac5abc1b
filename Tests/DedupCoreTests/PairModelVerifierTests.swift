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

    /// What `dedup serve` does at start, so its first judged request does not wait for the load.
    @Test func theBundledFeaturesLoadUpFront() throws {
        try PairModelVerifier.loadBundledFeatures()
        let verifier = try PairModelVerifier.bundled()
        #expect(verifier.features == nil, "the bundled verifier reads the shared, now loaded, extractor")
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

/// `max_false_duplicate_rate` per tool: a policy's δ picks that tool's threshold on the calibration curve.
@Suite struct PerToolFalseDuplicateRateTests {
    /// A constant P(duplicate) of 1 / (1 + e^−2) ≈ 0.881 and a curve whose bound falls with the threshold:
    /// δ 2 % → 0.5, δ 0.5 % → 0.9, δ 0 → never.
    static func constantModel() throws -> (PairModel, TemporaryDirectory) {
        let directory = try TemporaryDirectory()
        let model = #"""
            {"features": ["learned_cos_min"], "mean": [0], "scale": [1], "weights": [0], "bias": 2,
             "calibration": [{"threshold": 0.0, "upper": 0.5}, {"threshold": 0.5, "upper": 0.01},
                             {"threshold": 0.9, "upper": 0.004}, {"threshold": 1.0, "upper": 0.001}]}
            """#
        try Data(model.utf8).write(to: directory.url.appendingPathComponent("model.json"))
        return (try PairModel.load(from: directory.url), directory)
    }

    @Test func aPolicyRateOverridesTheVerifiersOwn() throws {
        let (model, directory) = try Self.constantModel()
        defer { _ = directory }
        let verifier = PairModelVerifier(features: nil, model: model, maxFalseDuplicateRate: 0.005)
        #expect(verifier.threshold(for: ToolPolicy()) == (0.005, 0.9))
        #expect(verifier.threshold(for: ToolPolicy(maxFalseDuplicateRate: 0.02)) == (0.02, 0.5))
        #expect(verifier.threshold(for: ToolPolicy(maxFalseDuplicateRate: 0)).threshold > 1)
    }

    @Test func eachToolIsJudgedAtItsOwnRate() async throws {
        let (model, directory) = try Self.constantModel()
        defer { _ = directory }
        let policies = try PolicySet(json: [
            "tools": ["chat": ["max_false_duplicate_rate": 0.02], "pay": ["max_false_duplicate_rate": 0.001]]
        ])
        let ledger = try await DedupLedger(
            store: MemoryLedgerStore(),
            embedder: HashingEmbedder.bundled(),
            configuration: LedgerConfiguration(
                normalizer: Normalizer(policies: policies),
                verifier: PairModelVerifier(features: try .bundled(), model: model, maxFalseDuplicateRate: 0.005)
            )
        )
        func second(_ tool: String) async throws -> Verdict {
            let first = ToolCall(
                tenant: "t",
                scope: tool,
                tool: tool,
                arguments: ["text": "The nightly deploy to the cluster is stuck again"]
            )
            let claimed = try await ledger.claim(first)
            _ = try await ledger.complete(tenant: "t", callID: try #require(claimed.callID), .succeeded())
            return try await ledger.check(
                ToolCall(
                    tenant: "t",
                    scope: tool,
                    tool: tool,
                    arguments: ["text": "The nightly deployment to the cluster is hanging again"]
                )
            )
        }
        // P ≈ 0.881: over chat's threshold (δ 2 % → 0.5), under the default's (0.9) and pay's (never).
        let chat = try await second("chat")
        #expect(chat.decision == .duplicate && chat.layer == .verifier, "\(chat.reason)")
        #expect(chat.reason.contains("δ 2.0 %"), "\(chat.reason)")
        let other = try await second("notes")
        #expect(other.decision == .new, "\(other.reason)")
        let pay = try await second("pay")
        #expect(pay.decision == .new, "\(pay.reason)")
    }
}
