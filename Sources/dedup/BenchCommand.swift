import ArgumentParser
import DedupBench
import Foundation

/// `dedup bench`: measure the funnel on purpose (never in tests).
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks: check latency against ledgers of many recent calls.",
        subcommands: [LatencyBench.self, PairsBench.self, ResidencyBench.self, EmbedBench.self]
    )
}

/// `dedup bench latency`: in-process `check` latency with N recent calls in one partition
/// (``DedupBench/LatencyBenchmark`` does the work).
struct LatencyBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "latency",
        abstract: "Measure check latency per layer with 1k…1M recent calls in one partition."
    )

    @Option(name: .long, help: "Comma-separated partition sizes.")
    var sizes = "1000,10000,100000,1000000"

    @Option(name: .long, help: "Checks measured per size.")
    var queries = 2000

    @Option(name: .long, help: "Searches per size comparing the quantised index with the exact one.")
    var probes = 400

    @Option(name: .long, help: "Comma-separated rescoring depths to also measure recall and search time at.")
    var rescoreSweep = ""

    @Flag(name: .long, help: "Print the report as JSON on stdout (progress goes to stderr).")
    var json = false

    @Option(name: .long, help: "Also write latency.md and latency.json to this directory.")
    var out: String?

    func run() async throws {
        try await reportingErrors {
            func integers(_ list: String) -> [Int] {
                list.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            }
            try await LatencyBenchmark(
                sizes: integers(sizes),
                queries: queries,
                probes: probes,
                rescoreSweep: integers(rescoreSweep),
                json: json,
                out: out
            )
            .run()
        }
    }
}

/// `dedup bench residency`: the index's memory against its budget with many partitions
/// (``DedupBench/ResidencyBenchmark`` does the work).
struct ResidencyBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "residency",
        abstract: "Measure RSS and index rows against the index memory budget with many live partitions."
    )

    @Option(name: .long, help: "Live rows seeded.")
    var rows = 2_000_000

    @Option(name: .long, help: "Partitions (scopes) the rows spread over.")
    var partitions = 100_000

    @Option(name: .long, help: "The index memory budget in MiB (index_memory_mb).")
    var budgetMb = 64

    @Option(name: .long, help: "Checks answered in random partitions.")
    var checks = 20_000

    @Flag(name: .long, help: "Print the report as JSON on stdout (progress goes to stderr).")
    var json = false

    func run() async throws {
        try await reportingErrors {
            try await ResidencyBenchmark(
                rows: rows,
                partitions: partitions,
                budgetMB: budgetMb,
                checks: checks,
                json: json
            )
            .run()
        }
    }
}
