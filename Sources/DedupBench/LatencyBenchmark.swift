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
    /// Searches per size comparing the quantised index with the exact one.
    package var probes: Int
    /// Other rescoring depths to measure recall and search time at, on the same rows.
    package var rescoreSweep: [Int]
    /// Print the report as JSON on stdout (progress goes to stderr) instead of markdown.
    package var json: Bool
    /// A directory to also write latency.md and latency.json to.
    package var out: String?

    /// A run over `sizes`, `queries` checks and `probes` index comparisons each.
    package init(
        sizes: [Int],
        queries: Int,
        probes: Int = 400,
        rescoreSweep: [Int] = [],
        json: Bool = false,
        out: String? = nil
    ) {
        self.sizes = sizes
        self.queries = queries
        self.probes = probes
        self.rescoreSweep = rescoreSweep
        self.json = json
        self.out = out
    }

    /// Measures every size, with a progress line per size on stderr, then prints the report (and writes
    /// it under ``out``).
    package func run() async throws {
        guard !sizes.isEmpty, sizes.allSatisfy({ $0 > 0 }) else { throw BenchError("--sizes needs positive integers") }
        guard queries > 0, probes > 0 else { throw BenchError("--queries and --probes must be positive") }
        // One BLAS thread: the server runs that way (two oversubscribe 2 cores under load).
        openblas_set_num_threads(1)
        let embedder = try HashingEmbedder.bundled()
        var report = LatencyReport(queries: queries, bandwidth: MemoryProbe.readBandwidth())
        progress("memory read bandwidth \(fmt(report.bandwidth / 1e9)) GB/s (one thread)")
        for size in sizes {
            report.rows.append(try await measure(size: size, embedder: embedder))
            progress(report.rows.last!.line)
        }
        print(json ? report.jsonValue.prettyText : report.markdown)
        if let out { try report.write(to: out) }
    }

    private func progress(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    private func measure(size: Int, embedder: HashingEmbedder) async throws -> LatencyReport.Row {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "dedup-bench-\(UUID().uuidString)"
        )
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("bench.sqlite").path
        let seeded = try SQLiteStore(path: path)
        let normalizer = Normalizer()
        // One recipient: every call in one identity group, so every check scans all N rows.
        var generator = SyntheticCalls(seed: 42)
        generator.recipients = 1
        let seedStart = ContinuousClock.now
        let seededRows = try await generator.seed(seeded, count: size, embedder: embedder)
        let seedSeconds = (ContinuousClock.now - seedStart).seconds
        await seeded.close()
        // A restart: open the file and the ledger anew and answer one check, which loads the partition
        // into the index. RSS around it, load garbage freed, is what the index costs per row.
        MemoryProbe.trimHeap()
        let residentBefore = MemoryProbe.residentBytes()
        let restartStart = ContinuousClock.now
        let store = try SQLiteStore(path: path)
        let ledger = try await SQLiteLedger(store: store, embedder: embedder)
        _ = try await ledger.check(generator.call(size + queries))
        let restartSeconds = (ContinuousClock.now - restartStart).seconds
        MemoryProbe.trimHeap()
        let residentAfter = MemoryProbe.residentBytes()
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
        let probeCalls = try (0..<probes)
            .map { probe in
                try normalizer.normalize(
                    probe.isMultiple(of: 2)
                        ? generator.reworded((probe * 104_729) % size) : generator.call(size + probe)
                )
            }
        let funnel = ledger.configuration.funnel
        let comparison = IndexComparison(
            probes: probeCalls.map { embedder.embed($0) },
            partition: probeCalls[0].partition,
            group: probeCalls[0].signature.identityGroup,
            limit: funnel.candidates,
            floor: Float(min(funnel.borderlineThreshold, funnel.harmlessThreshold)),
            sweep: rescoreSweep
        )
        let figures = comparison.measure(slab: ledger.index, rows: seededRows)
        await store.close()
        return LatencyReport.Row(
            size: size,
            samples: samples,
            decisions: decisions,
            seedSeconds: seedSeconds,
            restartSeconds: restartSeconds,
            rssBytesPerRow: Double(residentAfter - residentBefore) / Double(size),
            indexBytesPerRow: Double(ledger.index.capacityBytes) / Double(size),
            index: figures,
            rescore: ledger.index.rescoreDepth(rows: size, limit: funnel.candidates)
        )
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
