import ArgumentParser
import DedupBench

/// `dedup bench embed`: per-call embedding latency of the learned and the hashing embedder on
/// deterministic N-word texts (``DedupBench/EmbedBenchmark`` does the work).
struct EmbedBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Measure p50/p99/max µs of embedding one N-word text, static and hashing embedder.",
        discussion: """
            Build with -c release for meaningful figures. Issue 12's goal: a 60-word text in p99 ≤ 50 µs with
            the static embedder. The same seed gives the same texts on every machine.
            """
    )

    @Option(name: .long, help: "Words per text.")
    var words = 60

    @Option(name: .long, help: "Distinct texts, each timed once per round.")
    var samples = 5000

    @Option(name: .long, help: "Seed of the texts.")
    var seed: UInt64 = 12

    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    func run() async throws {
        try await reportingErrors {
            try EmbedBenchmark(words: words, samples: samples, seed: seed, json: json).run()
        }
    }
}
