import ArgumentParser
import DedupBench
import DedupCore
import DedupSQLite

/// `dedup _seed`: fill a ledger with synthetic completed `send_email` calls, for load benchmarks.
struct SeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "_seed",
        abstract: "Write COUNT synthetic completed calls into a ledger (for benchmarks).",
        shouldDisplay: false
    )

    @Option(name: .long, help: "The SQLite ledger file.")
    var db: String

    @Option(name: .long, help: "How many calls.")
    var count = 10_000

    @Option(name: .long, help: "The tenant.")
    var tenant = "bench"

    @Option(name: .long, help: "The scope.")
    var scope = "bench"

    func run() async throws {
        try await reportingErrors {
            guard count > 0 else { throw CLIError("--count must be positive") }
            let store = try SQLiteStore(path: db)
            var generator = SyntheticCalls(seed: 42)
            generator.tenant = tenant
            generator.scope = scope
            try await generator.seed(store, count: count, embedder: HashingEmbedder.bundled())
            await store.close()
            print("seeded \(count) calls into \(db) (tenant \(tenant), scope \(scope))")
        }
    }
}
