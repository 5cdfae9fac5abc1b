import ArgumentParser
import DedupBench

/// `dedup bench pairs FILE.jsonl`: how well the funnel separates labelled duplicates from distinct actions
/// (``DedupBench/PairsBenchmark`` does the work).
struct PairsBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pairs",
        abstract: "Sweep thresholds over labelled pairs: precision, recall, F1 and false-duplicate rate.",
        discussion: """
            Each pair runs as a real funnel query: `a` is claimed and completed in a fresh scope, then `b` is
            checked. One line per pair: {"id", "a": {"tool", "arguments"}, "b": {…}, "duplicate": bool, "category"}.
            Malformed lines are reported with their number and skipped.
            """
    )

    @Argument(help: "The labelled pairs (JSONL).")
    var file: String

    @Option(name: .long, help: "A policy file, as for the service.")
    var policy: String?

    @Option(name: .long, help: "Threshold sweep as start:end:step.")
    var sweep = "0.70:0.99:0.01"

    @Option(name: .long, help: "The duplicate threshold of the configured run (default 0.90).")
    var duplicateThreshold: Double?

    @Option(
        name: .long,
        help: "The borderline threshold (the verifier's cosine floor) of the configured run (default 0.2)."
    )
    var borderlineThreshold: Double?

    @Option(
        name: .long,
        help: """
            The calibrated verifier's target false-duplicate rate δ in the configured run (default 0.005); the \
            report gives the rate measured there with its 95 % interval. A tool's policy may set its own.
            """
    )
    var maxFalseDuplicateRate = 0.005

    @Option(name: .long, help: "Largest acceptable false-duplicate rate when recommending a cosine threshold.")
    var maxFalseDup = 0.001

    @Flag(name: .long, help: "Print JSON instead of tables.")
    var json = false

    @Option(name: .long, help: "Draw precision, recall and false-duplicate rate against threshold into this SVG.")
    var plot: String?

    @Option(name: .long, help: "Write the pairs the configured funnel gets wrong to this JSONL file, with scores.")
    var errors: String?

    func run() async throws {
        try await reportingErrors {
            var benchmark = PairsBenchmark(file: file)
            benchmark.policy = policy
            benchmark.sweep = sweep
            benchmark.duplicateThreshold = duplicateThreshold
            benchmark.borderlineThreshold = borderlineThreshold
            benchmark.maxFalseDuplicateRate = maxFalseDuplicateRate
            benchmark.maxFalseDup = maxFalseDup
            benchmark.json = json
            benchmark.plot = plot
            benchmark.errors = errors
            try await benchmark.run()
        }
    }
}
