import ArgumentParser
import DedupCore

/// `dedup prune`: delete records past the window.
struct PruneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Delete calls older than the deduplication window (24 hours)."
    )

    @OptionGroup var ledger: LedgerOptions

    func run() async throws {
        try await reportingErrors {
            let removed = try await ledger.withLedger { try await $0.prune() }
            print(ledger.json ? "{\"removed\": \(removed)}" : "removed \(removed) expired calls")
        }
    }
}
