import ArgumentParser
import DedupBench

/// `dedup _claim-stream`: claims distinct calls one after another and prints each acknowledged call id.
///
/// For crash tests (``DedupBench/ClaimStream`` does the work): a test (or `bench/`'s crash script) kills this
/// process with SIGKILL at a random moment, reopens the ledger and checks that every id printed before the
/// kill is there.
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
            try await ClaimStream.run(db: db, count: count, scope: scope, text: text)
        }
    }
}
