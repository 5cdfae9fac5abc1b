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
            "threshold  precision  recall   F1       false-dup  exact  intent  semantic  verifier",
        ]
        for (threshold, metrics) in sweep {
            let layerCounts = Self.layers.map { String(metrics.duplicatesByLayer[$0] ?? 0) }
            lines.append(
                String(format: "%-9.2f  ", threshold) + Self.ratio(metrics.precision) + "     "
                    + Self.ratio(metrics.recall) + "   " + Self.ratio(metrics.f1) + "   "
                    + Self.percent(metrics.falseDuplicateRate).padding(toLength: 9, withPad: " ", startingAt: 0) + "  "
                    + layerCounts[0].padding(toLength: 5, withPad: " ", startingAt: 0) + "  "
                    + layerCounts[1].padding(toLength: 6, withPad: " ", startingAt: 0) + "  "
                    + layerCounts[2].padding(toLength: 8, withPad: " ", startingAt: 0) + "  " + layerCounts[3]
            )
        }
        let real = atConfigured
        lines += [
            "",
            "at the configured thresholds (duplicate \(configured.duplicateThreshold), borderline "
                + "\(configured.borderlineThreshold), built-in calibrated verifier at δ 0.5 %):",
            "  precision \(Self.ratio(real.precision)), recall \(Self.ratio(real.recall)), F1 \(Self.ratio(real.f1)), "
                + "false-duplicate rate \(Self.percent(real.falseDuplicateRate)) "
                + "(\(real.falsePositives) of \(real.negatives) distinct pairs)",
            "  duplicates by layer: "
                + Self.layers.map { "\($0) \(real.duplicatesByLayer[$0] ?? 0)" }.joined(separator: ", "),
            "",
            "category                 pairs  label      accuracy",
        ]
        for row in categories {
            let label = row.duplicates == row.pairs ? "duplicate" : row.duplicates == 0 ? "distinct" : "mixed"
            lines.append(
                row.name.padding(toLength: 24, withPad: " ", startingAt: 0) + " "
                    + String(row.pairs).padding(toLength: 6, withPad: " ", startingAt: 0) + " "
                    + label.padding(toLength: 10, withPad: " ", startingAt: 0) + " "
                    + Self.percent(Double(row.correct) / Double(max(row.pairs, 1)))
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

    private static func json(_ metrics: PairMetrics) -> JSONValue {
        [
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

    /// Two panels: precision, recall and F1 (0–1) above, the false-duplicate rate (in %) below.
    func svg() -> String {
        let width = 720.0
        let left = 60.0
        let right = 20.0
        let plotWidth = width - left - right
        let top = (y: 40.0, height: 260.0)
        let bottom = (y: 350.0, height: 140.0)
        let rows = sweep
        guard let low = thresholds.first, let high = thresholds.last else { return "" }
        let span = max(high - low, 1e-9)
        func x(_ threshold: Double) -> Double { left + (threshold - low) / span * plotWidth }
        let maxRate = max(rows.map(\.metrics.falseDuplicateRate).max() ?? 0, maxFalseDuplicateRate * 2, 0.001)
        func line(_ values: [Double], panel: (y: Double, height: Double), max: Double, color: String) -> String {
            let points = zip(rows, values)
                .map { row, value in
                    String(format: "%.1f,%.1f", x(row.threshold), panel.y + panel.height * (1 - value / max))
                }
            return
                "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\"\(points.joined(separator: " "))\"/>"
        }
        var svg = [
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"540\" font-family=\"sans-serif\" font-size=\"12\">",
            "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
            "<text x=\"\(left)\" y=\"22\" font-size=\"15\">agent-dedup: labelled pairs against the duplicate threshold</text>",
        ]
        for panel in [top, bottom] {
            svg.append(
                "<rect x=\"\(left)\" y=\"\(panel.y)\" width=\"\(plotWidth)\" height=\"\(panel.height)\" fill=\"none\" stroke=\"#999\"/>"
            )
        }
        for tick in stride(from: 0.0, through: 1.0, by: 0.25) {
            let y = top.y + top.height * (1 - tick)
            svg.append("<line x1=\"\(left)\" x2=\"\(left + plotWidth)\" y1=\"\(y)\" y2=\"\(y)\" stroke=\"#eee\"/>")
            svg.append(
                "<text x=\"\(left - 8)\" y=\"\(y + 4)\" text-anchor=\"end\">\(String(format: "%.2f", tick))</text>"
            )
        }
        for tick in stride(from: 0.0, through: 1.0, by: 0.5) {
            let y = bottom.y + bottom.height * (1 - tick)
            svg.append(
                "<text x=\"\(left - 8)\" y=\"\(y + 4)\" text-anchor=\"end\">\(String(format: "%.2f%%", tick * maxRate * 100))</text>"
            )
        }
        for threshold in thresholds where Int((threshold * 100).rounded()) % 5 == 0 {
            let position = x(threshold)
            svg.append(
                "<line x1=\"\(position)\" x2=\"\(position)\" y1=\"\(top.y)\" y2=\"\(bottom.y + bottom.height)\" stroke=\"#f3f3f3\"/>"
            )
            svg.append(
                "<text x=\"\(position)\" y=\"\(bottom.y + bottom.height + 16)\" text-anchor=\"middle\">\(String(format: "%.2f", threshold))</text>"
            )
        }
        svg.append(line(rows.map(\.metrics.precision), panel: top, max: 1, color: "#1f77b4"))
        svg.append(line(rows.map(\.metrics.recall), panel: top, max: 1, color: "#2ca02c"))
        svg.append(line(rows.map(\.metrics.f1), panel: top, max: 1, color: "#9467bd"))
        svg.append(line(rows.map(\.metrics.falseDuplicateRate), panel: bottom, max: maxRate, color: "#d62728"))
        let limitY = bottom.y + bottom.height * (1 - maxFalseDuplicateRate / maxRate)
        svg.append(
            "<line x1=\"\(left)\" x2=\"\(left + plotWidth)\" y1=\"\(limitY)\" y2=\"\(limitY)\" stroke=\"#d62728\" stroke-dasharray=\"4 4\"/>"
        )
        let configuredX = x(configured.duplicateThreshold)
        svg.append(
            "<line x1=\"\(configuredX)\" x2=\"\(configuredX)\" y1=\"\(top.y)\" y2=\"\(bottom.y + bottom.height)\" stroke=\"#555\" stroke-dasharray=\"2 3\"/>"
        )
        let legend: [(String, String)] = [
            ("precision", "#1f77b4"), ("recall", "#2ca02c"), ("F1", "#9467bd"),
            ("false-duplicate rate (lower panel; dashed: limit)", "#d62728"), ("configured threshold", "#555"),
        ]
        for (index, entry) in legend.enumerated() {
            let y = 325.0
            let xPosition = left + [0, 90, 160, 210, 520][index]
            svg.append("<rect x=\"\(xPosition)\" y=\"\(y - 9)\" width=\"12\" height=\"4\" fill=\"\(entry.1)\"/>")
            svg.append("<text x=\"\(xPosition + 16)\" y=\"\(y - 4)\">\(entry.0)</text>")
        }
        svg.append(
            "<text x=\"\(left + plotWidth / 2)\" y=\"530\" text-anchor=\"middle\">duplicate threshold (cosine)</text>"
        )
        svg.append("</svg>")
        return svg.joined(separator: "\n") + "\n"
    }
}
