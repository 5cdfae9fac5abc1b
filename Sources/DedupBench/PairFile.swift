import DedupCore
import Foundation

/// One labelled pair of `dedup bench pairs`: is `b` the same action as `a`?
struct LabelledPair: Sendable {
    var id: String
    var a: (tool: String, arguments: JSONValue)
    var b: (tool: String, arguments: JSONValue)
    var duplicate: Bool
    var category: String
}

/// Reads `{"id", "a": {"tool", "arguments"}, "b": {…}, "duplicate": bool, "category"}` per line; bad
/// lines are reported with their number and skipped.
enum PairFile {
    static func read(path: String) throws -> (pairs: [LabelledPair], bad: [BadLine]) {
        let (values, unreadable) = try JSONLines.read(path: path)
        var pairs: [LabelledPair] = []
        var bad = unreadable
        for (line, value) in values {
            switch pair(from: value, line: line) {
            case .success(let pair): pairs.append(pair)
            case .failure(let reason): bad.append(BadLine(line: line, reason: reason.description))
            }
        }
        return (pairs, bad.sorted { $0.line < $1.line })
    }

    private static func side(_ value: JSONValue?, _ name: String) -> Result<(String, JSONValue), BenchError> {
        guard let object = value?.objectValue else { return .failure(BenchError("\"\(name)\" must be an object")) }
        guard let tool = object["tool"]?.stringValue, !tool.isEmpty else {
            return .failure(BenchError("\"\(name).tool\" must be a non-empty string"))
        }
        let arguments = object["arguments"] ?? .object([:])
        guard arguments.objectValue != nil || arguments == .null else {
            return .failure(BenchError("\"\(name).arguments\" must be an object"))
        }
        return .success((tool, arguments))
    }

    private static func pair(from value: JSONValue, line: Int) -> Result<LabelledPair, BenchError> {
        guard value.objectValue != nil else { return .failure(BenchError("a pair must be a JSON object")) }
        guard let duplicate = value["duplicate"]?.boolValue else {
            return .failure(BenchError("\"duplicate\" must be true or false"))
        }
        let a: (String, JSONValue)
        let b: (String, JSONValue)
        switch side(value["a"], "a") {
        case .success(let side): a = side
        case .failure(let error): return .failure(error)
        }
        switch side(value["b"], "b") {
        case .success(let side): b = side
        case .failure(let error): return .failure(error)
        }
        return .success(
            LabelledPair(
                id: value["id"]?.stringValue ?? "line-\(line)",
                a: a,
                b: b,
                duplicate: duplicate,
                category: value["category"]?.stringValue ?? "uncategorized"
            )
        )
    }
}
