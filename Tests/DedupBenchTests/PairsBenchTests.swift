import DedupCore
import Foundation
import Testing

@testable import DedupBench

@Suite struct BenchFileFormatTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/pairs.jsonl").path

    @Test func pairFilesReportMalformedLinesByNumber() throws {
        let (pairs, bad) = try PairFile.read(path: Self.fixture)
        #expect(pairs.map(\.id) == ["exact", "reorder", "amount", "tool", "mislabelled-dup", "mislabelled-distinct"])
        #expect(bad.map(\.line) == [8, 9, 10])
        #expect(bad[0].reason.contains("\"duplicate\" must be true or false"))
        #expect(bad[1].reason.hasPrefix("invalid JSON"))
        #expect(bad[2].reason.contains("\"a.tool\""))
    }

    @Test func metricArithmeticMatchesAHandCount() {
        var metrics = PairMetrics()
        for (predicted, actual) in [
            (true, true), (true, true), (true, false), (false, false), (false, false), (false, true),
        ] {
            metrics.add(predictedDuplicate: predicted, actualDuplicate: actual, layer: predicted ? "exact" : nil)
        }
        #expect(
            metrics
                == PairMetrics(
                    truePositives: 2,
                    falsePositives: 1,
                    trueNegatives: 2,
                    falseNegatives: 1,
                    duplicatesByLayer: ["exact": 3]
                )
        )
        #expect(abs(metrics.precision - 2.0 / 3) < 1e-12)
        #expect(abs(metrics.recall - 2.0 / 3) < 1e-12)
        #expect(abs(metrics.f1 - 2.0 / 3) < 1e-12)
        #expect(abs(metrics.falseDuplicateRate - 1.0 / 3) < 1e-12)
        #expect(PairMetrics().precision == 1)
        #expect(PairMetrics().recall == 0)
    }

    @Test func observationsDecideByLayerThresholdAndBand() {
        let pair = LabelledPair(id: "p", a: ("t", [:]), b: ("t", [:]), duplicate: true, category: "c")
        let semantic = PairObservation(
            pair: pair,
            exactLayer: nil,
            semanticScore: 0.87,
            verifierSaysDuplicate: true,
            configuredDecision: "duplicate",
            configuredLayer: "verifier"
        )
        #expect(semantic.decide(threshold: 0.85, band: 0.05) == (true, "semantic"))
        #expect(semantic.decide(threshold: 0.90, band: 0.05) == (true, "verifier"))
        #expect(semantic.decide(threshold: 0.95, band: 0.05) == (false, nil))
        var unsure = semantic
        unsure.verifierSaysDuplicate = false
        #expect(unsure.decide(threshold: 0.90, band: 0.05) == (false, nil))
        var exact = semantic
        exact.exactLayer = "exact"
        #expect(exact.decide(threshold: 0.99, band: 0) == (true, "exact"))
        let sweep = try? PairsBenchmark.parseSweep("0.70:0.72:0.01")
        #expect(sweep == [0.70, 0.71, 0.72])
        #expect(throws: (any Error).self) { try PairsBenchmark.parseSweep("0.9:0.8:0.01") }
    }

    @Test func wilsonIntervalsMatchTheFormula() {
        // 0 of 266: the upper end is z² / (n + z²) = 3.8415 / 269.8415.
        let none = WilsonInterval(0, of: 266)
        #expect(none.low == 0 && abs(none.high - 3.841459 / 269.841459) < 1e-6)
        let third = WilsonInterval(1, of: 3)
        #expect(abs(third.low - 0.061490) < 1e-5 && abs(third.high - 0.792340) < 1e-5)
        let all = WilsonInterval(10, of: 10)
        #expect(abs(all.high - 1) < 1e-12 && abs(all.low - 0.722467) < 1e-5)
        let empty = WilsonInterval(0, of: 0)
        #expect(empty.low == 0 && empty.high == 1)
    }
}
