import ArgumentParser
import DedupCore

/// `dedup history`: a scope's claimed calls, oldest first.
struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List the calls claimed in a scope, oldest first."
    )

    @OptionGroup var ledger: LedgerOptions

    @Option(name: .long, help: "The scope to list.")
    var scope: String

    @Option(name: .long, help: "At most this many calls.")
    var limit = 100

    func run() async throws {
        try await reportingErrors {
            guard limit > 0 else { throw CLIError("--limit must be positive") }
            let records = try await ledger.withLedger {
                try await $0.history(tenant: ledger.tenant, scope: scope, limit: limit)
            }
            if ledger.json {
                printJSON(.array(records.map(\.jsonValue)))
                return
            }
            if records.isEmpty { print("no calls in scope \(scope)") }
            for record in records {
                print(
                    "\(record.createdAt.rfc3339)  \(record.id)  \(record.tool)  \(record.status.rawValue)"
                        + "  attempts=\(record.attempts)  \(record.arguments.canonicalText)"
                )
            }
        }
    }
}
