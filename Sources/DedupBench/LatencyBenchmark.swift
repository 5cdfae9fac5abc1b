import CBLAS
import DedupCore
import DedupSQLite
import Foundation

/// `dedup bench latency`: in-process `check` latency with N recent calls in one partition.
///
/// The CLI command only parses its flags into this value and calls ``run()``.
package struct LatencyBenchmark: Sendable {
    /// The partition sizes to measure.
    package var sizes: [Int]
    /// Checks measured per size.
    package var queries: Int
    /// The directory the results (markdown and JSON) are written to.
    package var out: String

    /// A run over `sizes`, `queries` checks each, writing under `out`.
    package init(sizes: [Int], queries: Int, out: String) {
        self.sizes = sizes
        self.queries = queries
        self.out = out
    }

    /// Measures every size, printing a line per size, then writes the report.
    package func run() async throws {
        guard !sizes.isEmpty, sizes.allSatisfy({ $0 > 0 }) else { throw BenchError("--sizes needs positive integers") }
        guard queries > 0 else { throw BenchError("--queries must be positive") }
        // One BLAS thread: the server runs that way (two oversubscribe 2 cores under load).
        openblas_set_num_threads(1)
        let embedder = try HashingEmbedder.bundled()
        var report = LatencyReport()
        for size in sizes {
            report.rows.append(try await measure(size: size, embedder: embedder))
            Swift.print(report.rows.last!.line)
        }
        try report.write(to: out, queries: queries)
    }

    private func measure(size: Int, embedder: HashingEmbedder) async throws -> LatencyReport.Row {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "dedup-bench-\(UUID().uuidString)"
        )
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore(path: directory.appendingPathComponent("bench.sqlite").path)
        let normalizer = Normalizer()
        // One recipient: every call in one identity group, so every check scores all N rows.
        var generator = SyntheticCalls(seed: 42)
        generator.recipients = 1
        let loadStart = ContinuousClock.now
        try await generator.seed(store, count: size, embedder: embedder)
        let ledger = try await SQLiteLedger(store: store, embedder: embedder)
        let loadSeconds = (ContinuousClock.now - loadStart).seconds
        var samples: [LayerTimings] = []
        var decisions: [String: Int] = [:]
        for query in 0..<queries {
            // Half reworded retries of stored calls, half calls never seen.
            let call =
                query.isMultiple(of: 2) ? generator.reworded((query * 7919) % size) : generator.call(size + query)
            let verdict = try await ledger.check(call)
            samples.append(verdict.timings)
            decisions[verdict.decision.rawValue, default: 0] += 1
        }
        // BLAS against a plain Swift loop over the same matrix.
        let probeCall = try normalizer.normalize(generator.call(0))
        let probe = embedder.embed(probeCall)
        let partition = probeCall.partition
        let group = probeCall.signature.identityGroup
        let blas = timeMedian(repeats: 21) { ledger.index.scoreAll(probe, in: partition, group: group, blas: true) }
        let plain = timeMedian(repeats: 5) { ledger.index.scoreAll(probe, in: partition, group: group, blas: false) }
        await store.close()
        return LatencyReport.Row(
            size: size,
            samples: samples,
            decisions: decisions,
            loadSeconds: loadSeconds,
            blasMicros: blas,
            plainMicros: plain
        )
    }

    private func timeMedian(repeats: Int, _ body: () -> Void) -> Double {
        var times: [Double] = []
        for _ in 0..<repeats {
            let start = ContinuousClock.now
            body()
            times.append((ContinuousClock.now - start).seconds * 1e6)
        }
        return times.sorted()[times.count / 2]
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
