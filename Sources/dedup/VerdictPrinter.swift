import DedupCore

/// How verdicts look on a terminal.
enum VerdictPrinter {
    static func print(_ verdict: Verdict, json: Bool) {
        if json {
            printJSON(verdict.jsonValue)
            return
        }
        var line = verdict.decision.rawValue
        if let id = verdict.callID { line += "  \(id)" }
        if let layer = verdict.layer {
            line += "  (layer \(layer.rawValue)"
            if let score = verdict.score { line += ", score \(rounded(score))" }
            line += ")"
        }
        if verdict.recovered { line += "  RECOVERED: an earlier attempt may have had side effects" }
        if verdict.borderline { line += "  [borderline]" }
        Swift.print(line)
        Swift.print("  \(verdict.reason)")
        if let match = verdict.match {
            Swift.print("  match: \(match.id) \(match.status.rawValue), attempts \(match.attempts)")
            if let result = match.result { Swift.print("  result: \(result.canonicalText)") }
            if let error = match.error { Swift.print("  error: \(error)") }
        }
    }

    private static func rounded(_ score: Double) -> String {
        Swift.String((score * 1000).rounded() / 1000)
    }
}
