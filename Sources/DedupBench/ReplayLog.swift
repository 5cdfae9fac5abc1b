import DedupCore
import Foundation

/// One historical call of a `dedup replay` log.
struct ReplayEntry: Sendable {
    var line: Int
    var id: String
    var timestamp: Date
    var call: ToolCall
    var outcome: Completion?
    var duplicateOf: String?
}

/// Reads `{"id", "ts", "tenant"?, "scope", "tool", "arguments", "outcome"?, "duplicate_of"?}` per line.
enum ReplayLog {
    static func read(path: String) throws -> (entries: [ReplayEntry], bad: [BadLine]) {
        let (values, unreadable) = try JSONLines.read(path: path)
        var entries: [ReplayEntry] = []
        var bad = unreadable
        let dates = ISO8601DateFormatter()
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        for (number, value) in values {
            func skip(_ reason: String) { bad.append(BadLine(line: number, reason: reason)) }
            guard value.objectValue != nil else {
                skip("a call must be a JSON object")
                continue
            }
            guard let stamp = value["ts"]?.stringValue,
                let timestamp = dates.date(from: stamp) ?? fractional.date(from: stamp)
            else {
                skip("\"ts\" must be an RFC 3339 timestamp such as 2026-11-01T10:00:00Z")
                continue
            }
            guard let scope = value["scope"]?.stringValue, !scope.isEmpty else {
                skip("\"scope\" must be a non-empty string")
                continue
            }
            guard let tool = value["tool"]?.stringValue, !tool.isEmpty else {
                skip("\"tool\" must be a non-empty string")
                continue
            }
            let arguments = value["arguments"] ?? .object([:])
            guard arguments.objectValue != nil || arguments == .null else {
                skip("\"arguments\" must be an object")
                continue
            }
            var outcome: Completion?
            if let result = value["outcome"], result != .null {
                guard let status = result["status"]?.stringValue.flatMap(CallStatus.init(rawValue:)), status != .pending
                else {
                    skip("\"outcome.status\" must be \"succeeded\" or \"failed\"")
                    continue
                }
                outcome = Completion(
                    status: status,
                    result: result["result"],
                    error: result["error"]?.stringValue,
                    retryable: status == .failed && result["retryable"]?.boolValue == true
                )
            }
            entries.append(
                ReplayEntry(
                    line: number,
                    id: value["id"]?.stringValue ?? "line-\(number)",
                    timestamp: timestamp,
                    call: ToolCall(
                        tenant: value["tenant"]?.stringValue ?? "default",
                        scope: scope,
                        tool: tool,
                        arguments: arguments
                    ),
                    outcome: outcome,
                    duplicateOf: value["duplicate_of"]?.stringValue
                )
            )
        }
        return (entries, bad.sorted { $0.line < $1.line })
    }
}
