import ArgumentParser
import DedupCore

/// `dedup claim`: run the funnel and, if the call is new, record it as pending.
struct ClaimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "claim",
        abstract: "Claim a tool call before executing it.",
        discussion: """
            Prints `new` with a call id when you should execute the call (then run `dedup complete`),
            `duplicate` with the stored result when it already ran, `in_progress` when another claimant holds
            it, or `conflict` when your idempotency key was used for a different payload.
            """
    )

    @OptionGroup var ledger: LedgerOptions
    @OptionGroup var call: CallOptions

    @Option(name: .long, help: "Seconds the claim holds the action before another caller may take it over.")
    var lease: Int?

    func run() async throws {
        try await reportingErrors {
            let toolCall = try call.toolCall(tenant: ledger.tenant)
            let verdict = try await ledger.withLedger {
                try await $0.claim(toolCall, lease: lease.map { .seconds($0) })
            }
            VerdictPrinter.print(verdict, json: ledger.json)
        }
    }
}
