import ArgumentParser
import DedupCore

/// `dedup complete`: record the outcome of a claimed call.
struct CompleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "complete",
        abstract: "Record the outcome of a claimed call, so duplicates get it replayed."
    )

    @OptionGroup var ledger: LedgerOptions

    @Option(name: .long, help: "The call id `dedup claim` printed.")
    var callID: String

    @Option(name: .long, help: "succeeded or failed.")
    var status: String

    @Option(name: .long, help: "The tool's result as JSON, replayed to duplicates.")
    var result: String?

    @Option(name: .long, help: "The error message of a failure.")
    var error: String?

    @Flag(name: .long, help: "The failure may be retried: release the action for a new attempt.")
    var retryable = false

    func run() async throws {
        try await reportingErrors {
            guard let callStatus = CallStatus(rawValue: status), callStatus != .pending else {
                throw CLIError("--status must be succeeded or failed, not \(status)")
            }
            if retryable && callStatus != .failed { throw CLIError("--retryable only goes with --status failed") }
            var resultValue: JSONValue?
            if let result {
                do {
                    resultValue = try JSONParser().parse(result)
                } catch {
                    throw CLIError("--result is not valid JSON: \(error)")
                }
            }
            let completion = Completion(status: callStatus, result: resultValue, error: error, retryable: retryable)
            let record = try await ledger.withLedger {
                try await $0.complete(tenant: ledger.tenant, callID: callID, completion)
            }
            if ledger.json {
                printJSON(record.jsonValue)
            } else {
                print("\(record.id) \(record.status.rawValue)\(record.retryable ? " (retryable)" : "")")
            }
        }
    }
}
