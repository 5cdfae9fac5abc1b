import DedupCore
import DedupSQLite
import Foundation

/// The crash-test writer behind `dedup _claim-stream`: claims distinct calls one after another and prints
/// each acknowledged call id.
///
/// A test (or `bench/`'s crash script) kills the process with SIGKILL at a random moment, reopens the
/// ledger and checks that every id printed before the kill is there.
package enum ClaimStream {
    /// Claims `count` distinct `charge_card` calls in `scope` of the ledger at `db`, one line per
    /// acknowledgement on standard output; with `text`, each call has a free-text field too, so the semantic
    /// layer runs.
    package static func run(db: String, count: Int, scope: String, text: Bool) async throws {
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
