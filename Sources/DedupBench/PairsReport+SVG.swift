import DedupCore
import Foundation

extension PairsReport {
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
