import DedupCore
import DedupSQLite
import Foundation

/// `dedup bench residency`: does the index stay inside its memory budget when the ledger holds far more
/// live rows than the budget fits, spread over many partitions?
///
/// Seeds `rows` calls over `partitions` scopes straight into a SQLite file, reopens it as a ledger with
/// ``LedgerConfiguration/indexMemoryBytes`` set to `budgetMB`, and answers `checks` checks in random
/// partitions (half reworded retries of stored calls, half unseen calls), so partitions load on first use
/// and the least recently used are evicted. Every 500 checks it samples the process's RSS and the index's
/// rows; the report gives the peaks against the budget and the RSS before the ledger opened.
package struct ResidencyBenchmark: Sendable {
    /// Live rows seeded.
    package var rows: Int
    /// Partitions (scopes) they spread over.
    package var partitions: Int
    /// The index's memory budget in MiB.
    package var budgetMB: Int
    /// Checks answered.
    package var checks: Int
    /// Print JSON on stdout instead of markdown.
    package var json: Bool

    /// A run; see the type's notes.
    package init(rows: Int, partitions: Int, budgetMB: Int, checks: Int, json: Bool = false) {
        self.rows = rows
        self.partitions = partitions
        self.budgetMB = budgetMB
        self.checks = checks
        self.json = json
    }

    /// What one run measured.
    struct Figures {
        var seedSeconds = 0.0
        var residentBeforeOpen = 0
        var peakResident = 0
        var peakIndexRows = 0
        var partitionsTouched = 0
        var checkMicros: [Double] = []
        var decisions: [String: Int] = [:]
    }

    /// Seeds, checks, and prints the report.
    package func run() async throws {
        guard rows > 0, partitions > 0, partitions <= rows else {
            throw BenchError("--rows and --partitions must be positive, with no more partitions than rows")
        }
        guard budgetMB > 0, checks > 0 else { throw BenchError("--budget-mb and --checks must be positive") }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "dedup-residency-\(UUID().uuidString)"
        )
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("bench.sqlite").path
        let embedder = try HashingEmbedder.bundled()
        var generator = SyntheticCalls(seed: 7)
        generator.partitions = partitions
        var figures = Figures()

        let seeded = try SQLiteStore(path: path)
        let seedStart = ContinuousClock.now
        try await generator.seed(seeded, count: rows, embedder: embedder, returningRows: false)
        figures.seedSeconds = (ContinuousClock.now - seedStart).seconds
        await seeded.close()
        progress("seeded \(rows) rows over \(partitions) partitions in \(Int(figures.seedSeconds)) s")

        MemoryProbe.trimHeap()
        figures.residentBeforeOpen = MemoryProbe.residentBytes()
        let store = try SQLiteStore(path: path)
        let ledger = try await SQLiteLedger(
            store: store,
            embedder: embedder,
            configuration: LedgerConfiguration(indexMemoryBytes: budgetMB << 20)
        )
        var touched = Set<Int>()
        for check in 0..<checks {
            // Call `index` lives in partition `index % partitions`; pick a partition, then a call of it.
            // Hashed choices: the same run picks the same calls every time.
            let partition = Int(StableHash.hash64("partition\(check)", seed: 99) % UInt64(partitions))
            let perPartition = UInt64(max(1, rows / partitions))
            let index = partition + partitions * Int(StableHash.hash64("call\(check)", seed: 99) % perPartition)
            touched.insert(partition)
            let call = check.isMultiple(of: 2) ? generator.reworded(index) : generator.call(rows + check)
            let start = ContinuousClock.now
            let verdict = try await ledger.check(call)
            figures.checkMicros.append((ContinuousClock.now - start).seconds * 1e6)
            figures.decisions[verdict.decision.rawValue, default: 0] += 1
            if check % 500 == 499 || check == checks - 1 {
                MemoryProbe.trimHeap()
                figures.peakResident = max(figures.peakResident, MemoryProbe.residentBytes())
                figures.peakIndexRows = max(figures.peakIndexRows, ledger.index.count)
            }
        }
        figures.partitionsTouched = touched.count
        let bytesPerRow = ledger.index.bytesPerRow
        await store.close()
        print(
            json ? jsonValue(figures, bytesPerRow: bytesPerRow).prettyText : markdown(figures, bytesPerRow: bytesPerRow)
        )
    }

    private func progress(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    private func jsonValue(_ figures: Figures, bytesPerRow: Int) -> JSONValue {
        func number(_ value: Double) -> JSONValue { .number(JSONNumber(value)) }
        let check = figures.checkMicros.percentiles
        return [
            "rows": number(Double(rows)),
            "partitions": number(Double(partitions)),
            "budget_bytes": number(Double(budgetMB << 20)),
            "checks": number(Double(checks)),
            "partitions_touched": number(Double(figures.partitionsTouched)),
            "seed_seconds": number(figures.seedSeconds),
            "rss_before_open_bytes": number(Double(figures.residentBeforeOpen)),
            "peak_rss_bytes": number(Double(figures.peakResident)),
            "peak_rss_growth_bytes": number(Double(figures.peakResident - figures.residentBeforeOpen)),
            "peak_index_rows": number(Double(figures.peakIndexRows)),
            "peak_index_bytes": number(Double(figures.peakIndexRows * bytesPerRow)),
            "check_us": ["p50": number(check.p50), "p99": number(check.p99), "max": number(check.max)],
            "decisions": .object(figures.decisions.mapValues { .number(JSONNumber($0)) }),
        ]
    }

    private func markdown(_ figures: Figures, bytesPerRow: Int) -> String {
        let mib = { (bytes: Int) in String(format: "%.1f MiB", Double(bytes) / 1_048_576) }
        let check = figures.checkMicros.percentiles
        return """
            | rows | partitions (touched) | budget | RSS before open | peak RSS | peak index rows (bytes) | check p50 / p99 |
            |---:|---:|---:|---:|---:|---:|---:|
            | \(rows) | \(partitions) (\(figures.partitionsTouched)) | \(budgetMB) MiB | \(mib(figures.residentBeforeOpen)) \
            | \(mib(figures.peakResident)) | \(figures.peakIndexRows) (\(mib(figures.peakIndexRows * bytesPerRow))) \
            | \(Int(check.p50)) / \(Int(check.p99)) µs |
            """
    }
}
