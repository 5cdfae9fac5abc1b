import DedupCore
import Foundation

/// What `dedup replay` found: flagged calls by layer and tool, clusters, and accuracy against labels.
struct ReplayReport {
    struct Flagged {
        var id: String
        var timestamp: Date
        var scope: String
        var tool: String
        var decision: Decision
        var layer: Layer?
        var score: Double?
        var matchEntry: String?
        var callID: String?

        var jsonValue: JSONValue {
            [
                "id": .string(id), "ts": .string(timestamp.rfc3339), "scope": .string(scope), "tool": .string(tool),
                "decision": .string(decision.rawValue), "layer": layer.map { .string($0.rawValue) } ?? .null,
                "score": score.map { .number(JSONNumber(($0 * 10000).rounded() / 10000)) } ?? .null,
                "duplicate_of": matchEntry.map { .string($0) } ?? .null, "call_id": callID.map { .string($0) } ?? .null,
            ]
        }
    }

    var calls: Int
    var flagged: [Flagged] = []
    var reattempts = 0
    var refused: [BadLine] = []
    var seconds = 0.0
    /// `duplicate_of` of every entry (nil when the entry is labelled or unlabelled as original).
    var labels: [String: String?] = [:]

    init(calls: Int) {
        self.calls = calls
    }

    mutating func flag(entry: ReplayEntry, as decision: Decision, matchEntry: String?, verdict: Verdict) {
        flagged.append(
            Flagged(
                id: entry.id,
                timestamp: entry.timestamp,
                scope: entry.call.scope,
                tool: entry.call.tool,
                decision: decision,
                layer: verdict.layer,
                score: verdict.score,
                matchEntry: matchEntry,
                callID: verdict.callID
            )
        )
    }

    var byLayer: [(String, Int)] { counts(flagged.map { $0.layer?.rawValue ?? "none" }) }
    var byTool: [(String, Int)] { counts(flagged.map(\.tool)) }

    /// Originals with the most flagged repeats.
    var clusters: [(String, Int)] {
        Array(counts(flagged.compactMap(\.matchEntry)).sorted { ($0.1, $1.0) > ($1.1, $0.0) }.prefix(10))
    }

    private func counts(_ keys: [String]) -> [(String, Int)] {
        var table: [String: Int] = [:]
        for key in keys { table[key, default: 0] += 1 }
        return table.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
    }

    /// Precision and recall against `duplicate_of`, when the log has any label.
    var accuracy: (metrics: PairMetrics, sameOriginal: Int)? {
        guard labels.values.contains(where: { $0 != nil }) else { return nil }
        let flaggedIDs = Dictionary(flagged.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var metrics = PairMetrics()
        var sameOriginal = 0
        for (id, label) in labels {
            let hit = flaggedIDs[id]
            metrics.add(predictedDuplicate: hit != nil, actualDuplicate: label != nil, layer: hit?.layer?.rawValue)
            if let hit, let label, root(of: label) == hit.matchEntry.map(root(of:)) { sameOriginal += 1 }
        }
        return (metrics, sameOriginal)
    }

    /// Follows `duplicate_of` to the first call of a chain.
    private func root(of id: String) -> String {
        var current = id
        var seen: Set<String> = []
        while let next = labels[current] ?? nil, seen.insert(current).inserted { current = next }
        return current
    }

    var callsPerSecond: Double { seconds > 0 ? Double(calls) / seconds : 0 }

    func text(skipped: Int) -> String {
        var lines = [
            "calls: \(calls) replayed in \(String(format: "%.2f", seconds)) s (\(Int(callsPerSecond)) calls/s); "
                + "malformed lines skipped: \(skipped); refused: \(refused.count)",
            "flagged: \(flagged.count) (duplicate \(flagged.filter { $0.decision == .duplicate }.count), "
                + "in progress \(flagged.filter { $0.decision == .inProgress }.count), "
                + "conflict \(flagged.filter { $0.decision == .conflict }.count)); new attempts after failures or "
                + "expired leases: \(reattempts)",
            "by layer: " + byLayer.map { "\($0.0) \($0.1)" }.joined(separator: ", "),
            "by tool:  " + byTool.prefix(10).map { "\($0.0) \($0.1)" }.joined(separator: ", "),
            "largest clusters (original: repeats): " + clusters.map { "\($0.0): \($0.1)" }.joined(separator: ", "),
        ]
        if let (metrics, sameOriginal) = accuracy {
            lines.append(
                "against duplicate_of labels: precision \(String(format: "%.4f", metrics.precision)), recall "
                    + "\(String(format: "%.4f", metrics.recall)), F1 \(String(format: "%.4f", metrics.f1)), "
                    + "false-duplicate rate \(String(format: "%.2f%%", metrics.falseDuplicateRate * 100)); "
                    + "\(sameOriginal) of \(metrics.truePositives) true hits matched the labelled original"
            )
        }
        for line in refused.prefix(5) { lines.append("refused line \(line.line): \(line.reason)") }
        return lines.joined(separator: "\n")
    }

    func jsonValue(skipped: Int) -> JSONValue {
        func table(_ rows: [(String, Int)]) -> JSONValue {
            .object(Dictionary(uniqueKeysWithValues: rows.map { ($0.0, .number(JSONNumber($0.1))) }))
        }
        var members: [String: JSONValue] = [
            "calls": .number(JSONNumber(calls)),
            "seconds": .number(JSONNumber(seconds)),
            "calls_per_second": .number(JSONNumber(callsPerSecond.rounded())),
            "skipped_lines": .number(JSONNumber(skipped)),
            "refused": .number(JSONNumber(refused.count)),
            "flagged": .number(JSONNumber(flagged.count)),
            "reattempts": .number(JSONNumber(reattempts)),
            "by_layer": table(byLayer),
            "by_tool": table(byTool),
            "clusters": .array(clusters.map { ["original": .string($0.0), "repeats": .number(JSONNumber($0.1))] }),
        ]
        if let (metrics, sameOriginal) = accuracy {
            members["precision"] = .number(JSONNumber(metrics.precision))
            members["recall"] = .number(JSONNumber(metrics.recall))
            members["f1"] = .number(JSONNumber(metrics.f1))
            members["false_duplicate_rate"] = .number(JSONNumber(metrics.falseDuplicateRate))
            members["matched_labelled_original"] = .number(JSONNumber(sameOriginal))
        }
        return .object(members)
    }
}
