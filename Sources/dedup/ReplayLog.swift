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
        guard let data = FileManager.default.contents(atPath: path) else { throw CLIError("cannot read \(path)") }
        return parse(data)
    }

    static func parse(_ data: Data) -> (entries: [ReplayEntry], bad: [BadLine]) {
        var entries: [ReplayEntry] = []
        var bad: [BadLine] = []
        let parser = JSONParser()
        let dates = ISO8601DateFormatter()
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        for (index, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            func skip(_ reason: String) { bad.append(BadLine(line: number, reason: reason)) }
            let value: JSONValue
            do {
                value = try parser.parse(line)
            } catch {
                skip(error.description)
                continue
            }
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
        return (entries, bad)
    }
}
