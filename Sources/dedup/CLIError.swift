import ArgumentParser
import DedupBench
import DedupCore
import Foundation

/// A one-line error for the terminal.
struct CLIError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}

/// Runs `body`; any error becomes one line on standard error and exit status 1 (2 for usage errors,
/// which ArgumentParser reports itself).
func reportingErrors(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as ExitCode {
        throw error
    } catch {
        let message: String
        switch error {
        case let error as DedupError: message = error.message
        case let error as CLIError: message = error.description
        case let error as BenchError: message = error.description
        case let error as JSONParseError: message = error.description
        default: message = "\(error)"
        }
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        throw ExitCode.failure
    }
}

/// Prints a JSON value, pretty, on standard output.
func printJSON(_ value: JSONValue) {
    print(value.prettyText)
}
