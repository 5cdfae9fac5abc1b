import ArgumentParser
import DedupCore

/// `dedup check`: the verdict a claim would give, recording nothing.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Ask whether a tool call repeats a recent one, without recording anything."
    )

    @OptionGroup var ledger: LedgerOptions
    @OptionGroup var call: CallOptions

    func run() async throws {
        try await reportingErrors {
            let toolCall = try call.toolCall(tenant: ledger.tenant)
            let verdict = try await ledger.withLedger { try await $0.check(toolCall) }
            VerdictPrinter.print(verdict, json: ledger.json)
        }
    }
}
