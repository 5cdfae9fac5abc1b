package import DedupCore
import Foundation

/// A line of a JSONL input that could not be read, with its 1-based line number.
package struct BadLine: Sendable, Equatable {
    /// The line's number, from 1.
    package var line: Int
    /// Why it was skipped.
    package var reason: String
}

/// Reads JSONL input: one JSON value per line, blank lines ignored, and every line that is not JSON
/// reported with its 1-based number instead of stopping the run.
package enum JSONLines {
    /// The values of the file at `path`, each with its line number, and the lines that are not JSON.
    package static func read(path: String) throws -> (values: [(line: Int, value: JSONValue)], bad: [BadLine]) {
        guard let data = FileManager.default.contents(atPath: path) else { throw BenchError("cannot read \(path)") }
        return parse(data)
    }

    static func parse(_ data: Data) -> (values: [(line: Int, value: JSONValue)], bad: [BadLine]) {
        var values: [(line: Int, value: JSONValue)] = []
        var bad: [BadLine] = []
        let parser = JSONParser()
        for (index, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            do {
                values.append((index + 1, try parser.parse(line)))
            } catch {
                bad.append(BadLine(line: index + 1, reason: error.description))
            }
        }
        return (values, bad)
    }
}
