import ArgumentParser
import DedupCore
import DedupSQLite
import Foundation

/// `dedup _claim-stream`: claims distinct calls one after another and prints each acknowledged call id.
///
/// For crash tests: a test (or `bench/`'s crash script) kills this process with SIGKILL at a random
/// moment, reopens the ledger and checks that every id printed before the kill is there.
struct CrashWriterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "_claim-stream",
        abstract: "Claim COUNT distinct calls, printing each acknowledged id (for crash tests).",
        shouldDisplay: false
    )

    @Option(name: .long, help: "The SQLite ledger file.")
    var db: String

    @Option(name: .long, help: "How many calls to claim.")
    var count = 1000

    @Option(name: .long, help: "The scope to claim in.")
    var scope = "crash"

    @Flag(name: .long, help: "Give each call a free-text field too, so the semantic layer runs.")
    var text = false

    func run() async throws {
        try await reportingErrors {
            let ledger = try await SQLiteLedger.open(path: db)
            for index in 0..<count {
                var arguments: JSONValue = [
                    "customer": .string("cus_\(index)"), "amount": .number(JSONNumber(index + 1)),
                ]
                if text, case .object(var members) = arguments {
                    members["memo"] = "Monthly subscription renewal for the premium plan, thank you"
                    arguments = .object(members)
                }
                let call = ToolCall(tenant: "default", scope: scope, tool: "charge_card", arguments: arguments)
                let verdict = try await ledger.claim(call)
                // One write per acknowledgement, so a kill can never split a line.
                FileHandle.standardOutput.write(Data("\(verdict.decision.rawValue) \(verdict.callID ?? "-")\n".utf8))
            }
        }
    }
}
