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

/// A line of a JSONL input that could not be read, with its 1-based line number.
struct BadLine: Sendable, Equatable {
    var line: Int
    var reason: String
}

/// Reads `{"id", "a": {"tool", "arguments"}, "b": {…}, "duplicate": bool, "category"}` per line; bad
/// lines are reported with their number and skipped.
enum PairFile {
    static func read(path: String) throws -> (pairs: [LabelledPair], bad: [BadLine]) {
        guard let data = FileManager.default.contents(atPath: path) else { throw CLIError("cannot read \(path)") }
        return parse(data)
    }

    static func parse(_ data: Data) -> (pairs: [LabelledPair], bad: [BadLine]) {
        var pairs: [LabelledPair] = []
        var bad: [BadLine] = []
        let parser = JSONParser()
        for (index, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            let value: JSONValue
            do {
                value = try parser.parse(line)
            } catch {
                bad.append(BadLine(line: number, reason: error.description))
                continue
            }
            switch pair(from: value, line: number) {
            case .success(let pair): pairs.append(pair)
            case .failure(let reason): bad.append(BadLine(line: number, reason: reason.description))
            }
        }
        return (pairs, bad)
    }

    private static func side(_ value: JSONValue?, _ name: String) -> Result<(String, JSONValue), CLIError> {
        guard let object = value?.objectValue else { return .failure(CLIError("\"\(name)\" must be an object")) }
        guard let tool = object["tool"]?.stringValue, !tool.isEmpty else {
            return .failure(CLIError("\"\(name).tool\" must be a non-empty string"))
        }
        let arguments = object["arguments"] ?? .object([:])
        guard arguments.objectValue != nil || arguments == .null else {
            return .failure(CLIError("\"\(name).arguments\" must be an object"))
        }
        return .success((tool, arguments))
    }

    private static func pair(from value: JSONValue, line: Int) -> Result<LabelledPair, CLIError> {
        guard value.objectValue != nil else { return .failure(CLIError("a pair must be a JSON object")) }
        guard let duplicate = value["duplicate"]?.boolValue else {
            return .failure(CLIError("\"duplicate\" must be true or false"))
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
