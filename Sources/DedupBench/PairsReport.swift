import DedupCore
import Foundation

/// The results of `dedup bench pairs`: a threshold sweep, the configured verdict, per-category accuracy.
struct PairsReport {
    let observations: [PairObservation]
    let skipped: Int
    let thresholds: [Double]
    let band: Double
    let configured: FunnelConfiguration
    let maxFalseDuplicateRate: Double
    /// The calibrated verifier's target false-duplicate rate δ in the configured run.
    var verifierDelta = 0.005

    var sweep: [(threshold: Double, metrics: PairMetrics)] {
        thresholds.map { threshold in
            var metrics = PairMetrics()
            for observation in observations {
                let (duplicate, layer) = observation.decide(threshold: threshold, band: band)
                metrics.add(predictedDuplicate: duplicate, actualDuplicate: observation.pair.duplicate, layer: layer)
            }
            return (threshold, metrics)
        }
    }

    /// The real checks at the configured thresholds (with the verifier in the loop).
    var atConfigured: PairMetrics {
        var metrics = PairMetrics()
        for observation in observations {
            metrics.add(
                predictedDuplicate: observation.configuredDecision == Decision.duplicate.rawValue,
                actualDuplicate: observation.pair.duplicate,
                layer: observation.configuredLayer
            )
        }
        return metrics
    }

    /// `0.9876 [0.9612, 0.9961]`: a rate and its Wilson 95 % interval.
    private static func interval(_ value: Double, _ bounds: WilsonInterval, percent: Bool = false) -> String {
        percent
            ? String(format: "%.2f%% [%.2f, %.2f]", value * 100, bounds.low * 100, bounds.high * 100)
            : String(format: "%.4f [%.3f, %.3f]", value, bounds.low, bounds.high)
    }

    /// Accuracy per category at the configured thresholds.
    var categories: [(name: String, pairs: Int, duplicates: Int, correct: Int)] {
        var table: [String: (Int, Int, Int)] = [:]
        for observation in observations {
            let called = observation.configuredDecision == Decision.duplicate.rawValue
            var row = table[observation.pair.category] ?? (0, 0, 0)
            row.0 += 1
            row.1 += observation.pair.duplicate ? 1 : 0
            row.2 += called == observation.pair.duplicate ? 1 : 0
            table[observation.pair.category] = row
        }
        return table.keys.sorted().map { ($0, table[$0]!.0, table[$0]!.1, table[$0]!.2) }
    }

    /// The lowest swept threshold whose false-duplicate rate stays under the limit.
    var recommended: (threshold: Double, metrics: PairMetrics)? {
        sweep.first { $0.metrics.falseDuplicateRate < maxFalseDuplicateRate }
    }

    private static func percent(_ value: Double) -> String { String(format: "%.2f%%", value * 100) }
    private static func ratio(_ value: Double) -> String { String(format: "%.4f", value) }
    private static let layers = ["exact", "intent", "semantic", "verifier"]

    var text: String {
        let total = observations.count
        let duplicates = observations.filter(\.pair.duplicate).count
        var lines = [
            "pairs: \(total) (\(duplicates) duplicate, \(total - duplicates) distinct); malformed lines skipped: \(skipped)",
            "",
            "threshold  precision [95% CI]      recall [95% CI]         F1       false-dup % [95% CI]  "
                + "exact  intent  semantic  verifier",
        ]
        for (threshold, metrics) in sweep {
            let layerCounts = Self.layers.map { String(metrics.duplicatesByLayer[$0] ?? 0) }
            lines.append(
                String(format: "%-9.2f  ", threshold)
                    + Self.interval(metrics.precision, metrics.precisionInterval)
                    .padding(toLength: 24, withPad: " ", startingAt: 0)
                    + Self.interval(metrics.recall, metrics.recallInterval)
                    .padding(toLength: 24, withPad: " ", startingAt: 0)
                    + Self.ratio(metrics.f1) + "   "
                    + Self.interval(metrics.falseDuplicateRate, metrics.falseDuplicateInterval, percent: true)
                    .padding(toLength: 22, withPad: " ", startingAt: 0)
                    + layerCounts[0].padding(toLength: 5, withPad: " ", startingAt: 0) + "  "
                    + layerCounts[1].padding(toLength: 6, withPad: " ", startingAt: 0) + "  "
                    + layerCounts[2].padding(toLength: 8, withPad: " ", startingAt: 0) + "  " + layerCounts[3]
            )
        }
        let real = atConfigured
        let measured = real.falseDuplicateInterval
        let verdict =
            measured.high <= verifierDelta
            ? "its 95 % upper bound is within the target"
            : real.falseDuplicateRate <= verifierDelta
                ? "at or under the target, but too few distinct pairs to bound it there at 95 %"
                : "ABOVE the target"
        lines += [
            "",
            "at the configured thresholds (duplicate \(configured.duplicateThreshold), borderline "
                + "\(configured.borderlineThreshold), built-in calibrated verifier at δ \(Self.percent(verifierDelta))):",
            "  precision \(Self.interval(real.precision, real.precisionInterval)), "
                + "recall \(Self.interval(real.recall, real.recallInterval)), F1 \(Self.ratio(real.f1))",
            "  false-duplicate rate measured at the δ \(Self.percent(verifierDelta)) target: "
                + "\(Self.interval(real.falseDuplicateRate, measured, percent: true)) "
                + "(\(real.falsePositives) of \(real.negatives) distinct pairs); \(verdict)",
            "  duplicates by layer: "
                + Self.layers.map { "\($0) \(real.duplicatesByLayer[$0] ?? 0)" }.joined(separator: ", "),
            "",
            "category                 pairs  label      correct  accuracy [95% CI]",
        ]
        for row in categories {
            let label = row.duplicates == row.pairs ? "duplicate" : row.duplicates == 0 ? "distinct" : "mixed"
            lines.append(
                row.name.padding(toLength: 24, withPad: " ", startingAt: 0) + " "
                    + String(row.pairs).padding(toLength: 6, withPad: " ", startingAt: 0) + " "
                    + label.padding(toLength: 10, withPad: " ", startingAt: 0) + " "
                    + String(row.correct).padding(toLength: 8, withPad: " ", startingAt: 0) + " "
                    + Self.interval(
                        Double(row.correct) / Double(max(row.pairs, 1)),
                        WilsonInterval(row.correct, of: row.pairs),
                        percent: true
                    )
            )
        }
        lines.append("")
        if let (threshold, metrics) = recommended {
            lines.append(
                "lowest threshold with false-duplicate rate < \(Self.percent(maxFalseDuplicateRate)): \(threshold) "
                    + "(precision \(Self.ratio(metrics.precision)), recall \(Self.ratio(metrics.recall)), "
                    + "F1 \(Self.ratio(metrics.f1)))"
            )
        } else {
            lines.append(
                "no swept threshold keeps the false-duplicate rate under \(Self.percent(maxFalseDuplicateRate))"
            )
        }
        return lines.joined(separator: "\n")
    }

    private static func json(_ bounds: WilsonInterval) -> JSONValue {
        [.number(JSONNumber(bounds.low)), .number(JSONNumber(bounds.high))]
    }

    private static func json(_ metrics: PairMetrics) -> JSONValue {
        [
            "precision_ci95": json(metrics.precisionInterval), "recall_ci95": json(metrics.recallInterval),
            "false_duplicate_rate_ci95": json(metrics.falseDuplicateInterval),
            "tp": .number(JSONNumber(metrics.truePositives)), "fp": .number(JSONNumber(metrics.falsePositives)),
            "tn": .number(JSONNumber(metrics.trueNegatives)), "fn": .number(JSONNumber(metrics.falseNegatives)),
            "precision": .number(JSONNumber(metrics.precision)), "recall": .number(JSONNumber(metrics.recall)),
            "f1": .number(JSONNumber(metrics.f1)),
            "false_duplicate_rate": .number(JSONNumber(metrics.falseDuplicateRate)),
            "duplicates_by_layer": .object(metrics.duplicatesByLayer.mapValues { .number(JSONNumber($0)) }),
        ]
    }

    var jsonValue: JSONValue {
        [
            "pairs": .number(JSONNumber(observations.count)),
            "skipped_lines": .number(JSONNumber(skipped)),
            "sweep": .array(
                sweep.map { entry in
                    guard case .object(var members) = Self.json(entry.metrics) else { return .null }
                    members["threshold"] = .number(JSONNumber(entry.threshold))
                    return .object(members)
                }
            ),
            "configured": [
                "duplicate_threshold": .number(JSONNumber(configured.duplicateThreshold)),
                "borderline_threshold": .number(JSONNumber(configured.borderlineThreshold)),
                "max_false_duplicate_rate": .number(JSONNumber(verifierDelta)),
                "metrics": Self.json(atConfigured),
            ],
            "categories": .array(
                categories.map { row in
                    [
                        "category": .string(row.name), "pairs": .number(JSONNumber(row.pairs)),
                        "duplicates": .number(JSONNumber(row.duplicates)),
                        "accuracy": .number(JSONNumber(Double(row.correct) / Double(max(row.pairs, 1)))),
                    ]
                }
            ),
            "max_false_duplicate_rate": .number(JSONNumber(maxFalseDuplicateRate)),
            "recommended_threshold": recommended.map { .number(JSONNumber($0.threshold)) } ?? .null,
        ]
    }
}
