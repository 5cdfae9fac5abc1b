import ArgumentParser
import DedupBench

/// `dedup replay FILE.jsonl`: run a historical log through a fresh ledger, in time order
/// (``DedupBench/Replay`` does the work).
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay a log of historical tool calls and report what agent-dedup would have caught.",
        discussion: """
            One call per line: {"id", "ts": RFC 3339, "tenant"?, "scope", "tool", "arguments", "outcome"?:
            {"status", "result", "error", "retryable"}, "duplicate_of"?}. Calls are sorted by time and claimed
            in a fresh in-memory ledger whose clock is each call's timestamp, so the window and leases behave as
            they would have live. A log line records a call that was executed: a line without "outcome" is taken
            as completed successfully (with no stored result), so a later repeat of it is a duplicate, not a
            new attempt after an expired lease. Where "duplicate_of" labels exist, precision and recall are
            reported.
            """
    )

    @Argument(help: "The log (JSONL).")
    var file: String

    @Option(name: .long, help: "Write every flagged call with its match, layer and score to this JSONL file.")
    var out: String?

    @Option(name: .long, help: "A policy file, as for the service.")
    var policy: String?

    @Flag(name: .long, help: "Print JSON instead of text.")
    var json = false

    func run() async throws {
        try await reportingErrors {
            var replay = Replay(file: file)
            replay.out = out
            replay.policy = policy
            replay.json = json
            try await replay.run()
        }
    }
}
