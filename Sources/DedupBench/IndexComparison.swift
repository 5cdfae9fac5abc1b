import DedupCore
import Foundation

/// The ledger's quantised index against the exact Float32 one over the same rows in the same run: search
/// times, a full `cblas_sgemv`, bytes read per search, and how many exact top matches the quantised
/// search finds.
struct IndexComparison {
    /// Probe queries: embeddings of calls in the partition's one identity group.
    var probes: [[Float]]
    var partition: PartitionKey
    var group: UInt64
    /// The funnel's candidates per search.
    var limit: Int
    /// The funnel's floor: rows scoring below it are never candidates.
    var floor: Float

    /// Other rescoring depths to measure on the same rows and probes (`--rescore-sweep`).
    var sweep: [Int] = []

    /// How many exact top matches above the floor a quantised search matched: its i-th best hit scores
    /// (exactly) at least the exact i-th best less ``IndexComparison/tolerance`` — so ties (common in
    /// synthetic data) and places swapped by Int8 rounding between rows scoring within 0.001 of each
    /// other count as found — and, strictly, how many of the exact top rows themselves it returned.
    struct Recall {
        var exactMatches = 0
        var found = 0
        var foundByID = 0

        var share: Double { exactMatches == 0 ? 1 : Double(found) / Double(exactMatches) }
        var shareByID: Double { exactMatches == 0 ? 1 : Double(foundByID) / Double(exactMatches) }

        /// Adds one search: `returned` is what the quantised index returned (up to twice `truth.count`
        /// with its uncertain places), ranked here by exact score and cut to the funnel's `limit`, as the
        /// funnel does.
        mutating func add(truth: [IndexHit], returned: [IndexHit], limit: Int, exactScore: (String) -> Float) {
            let best = returned.map { (id: $0.id, score: exactScore($0.id)) }.sorted { $0.score > $1.score }
                .prefix(limit)
            let ids = Set(best.map(\.id))
            let scores = best.map(\.score)
            exactMatches += truth.count
            foundByID += truth.filter { ids.contains($0.id) }.count
            found +=
                truth.indices.filter { $0 < scores.count && scores[$0] >= truth[$0].score - IndexComparison.tolerance }
                .count
        }
    }

    /// One rescoring depth of the sweep.
    struct SweepPoint {
        var rescore: Int
        var recall = Recall()
        var search: [Double] = []
    }

    struct Figures {
        var slabSearch: [Double] = []
        var exactSearch: [Double] = []
        var sgemvMicros = 0.0
        var plainMicros = 0.0
        var bytesScanned = 0
        var sgemvBytes = 0
        var recall = Recall()
        var sweep: [SweepPoint] = []
    }

    /// Builds the exact index from `rows` and measures both.
    func measure(slab: SlabVectorIndex, rows: [IndexRow]) -> Figures {
        let exact = BLASVectorIndex(dimension: slab.dimension)
        let count = rows.count
        var rowOfID: [String: Int] = [:]
        for (position, row) in rows.enumerated() {
            exact.upsert(row, in: partition)
            rowOfID[row.id] = position
        }
        func score(_ query: [Float], _ id: String) -> Float {
            guard let position = rowOfID[id] else { return -2 }
            return zip(query, rows[position].vector).reduce(0) { $0 + $1.0 * $1.1 }
        }
        var figures = Figures()
        figures.bytesScanned = slab.bytesScanned(rows: count, eligible: count, limit: limit)
        figures.sgemvBytes = count * slab.dimension * MemoryLayout<Float>.size
        figures.sgemvMicros = Self.timeMedian(repeats: 21) {
            exact.scoreAll(probes[0], in: partition, group: group, blas: true)
        }
        figures.plainMicros = Self.timeMedian(repeats: 5) {
            exact.scoreAll(probes[0], in: partition, group: group, blas: false)
        }
        var truths: [[IndexHit]] = []
        for probe in probes {
            let (approximate, micros) = timedSearch(slab, probe)
            figures.slabSearch.append(micros)
            let (truth, exactMicros) = timedSearch(exact, probe)
            figures.exactSearch.append(exactMicros)
            truths.append(truth)
            figures.recall.add(truth: truth, returned: approximate, limit: limit) { score(probe, $0) }
        }
        for rescore in sweep {
            let other = SlabVectorIndex(dimension: slab.dimension, rescore: rescore, rowsPerRescored: nil)
            other.upsert(contentsOf: rows, in: partition)
            var point = SweepPoint(rescore: rescore)
            for (probe, truth) in zip(probes, truths) {
                let (approximate, micros) = timedSearch(other, probe)
                point.search.append(micros)
                point.recall.add(truth: truth, returned: approximate, limit: limit) { score(probe, $0) }
            }
            figures.sweep.append(point)
        }
        return figures
    }

    /// One search of `index` as the funnel makes it, and how long it took in microseconds.
    private func timedSearch(_ index: some VectorIndex, _ probe: [Float]) -> ([IndexHit], Double) {
        let start = ContinuousClock.now
        let hits = index.search(probe, in: partition, group: group, limit: limit, minScore: floor, nowMillis: 0)
        return (hits, (ContinuousClock.now - start).seconds * 1e6)
    }

    /// How far apart two exact scores may be for a swap of their places to count as a tie.
    static let tolerance: Float = 0.001

    static func timeMedian(repeats: Int, _ body: () -> Void) -> Double {
        var times: [Double] = []
        for _ in 0..<repeats {
            let start = ContinuousClock.now
            body()
            times.append((ContinuousClock.now - start).seconds * 1e6)
        }
        return times.sorted()[times.count / 2]
    }
}

extension [Double] {
    /// p50, p99 and max of the values.
    var percentiles: (p50: Double, p99: Double, max: Double) {
        let values = sorted()
        guard !values.isEmpty else { return (0, 0, 0) }
        let index99 = Swift.min(values.count - 1, Int((Double(values.count) * 0.99).rounded(.up)) - 1)
        return (values[values.count / 2], values[index99], values.last!)
    }
}
