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

    struct Figures {
        var slabSearch: [Double] = []
        var exactSearch: [Double] = []
        var sgemvMicros = 0.0
        var plainMicros = 0.0
        var bytesScanned = 0
        var sgemvBytes = 0
        /// Exact top matches above the floor, and how many the quantised search returned.
        var exactMatches = 0
        var found = 0

        var recall: Double { exactMatches == 0 ? 1 : Double(found) / Double(exactMatches) }
    }

    /// Builds the exact index from `rows` (consumed) and measures both.
    func measure(slab: SlabVectorIndex, rows: consuming [IndexRow]) -> Figures {
        let exact = BLASVectorIndex(dimension: slab.dimension)
        let count = rows.count
        for row in rows { exact.upsert(row, in: partition) }
        rows = []
        MemoryProbe.trimHeap()
        var figures = Figures()
        figures.bytesScanned = slab.bytesScanned(rows: count, eligible: count, limit: limit)
        figures.sgemvBytes = count * slab.dimension * MemoryLayout<Float>.size
        figures.sgemvMicros = Self.timeMedian(repeats: 21) {
            exact.scoreAll(probes[0], in: partition, group: group, blas: true)
        }
        figures.plainMicros = Self.timeMedian(repeats: 5) {
            exact.scoreAll(probes[0], in: partition, group: group, blas: false)
        }
        for probe in probes {
            var start = ContinuousClock.now
            let approximate = slab.search(
                probe,
                in: partition,
                group: group,
                limit: limit,
                minScore: floor,
                nowMillis: 0
            )
            figures.slabSearch.append((ContinuousClock.now - start).seconds * 1e6)
            start = ContinuousClock.now
            let truth = exact.search(probe, in: partition, group: group, limit: limit, minScore: floor, nowMillis: 0)
            figures.exactSearch.append((ContinuousClock.now - start).seconds * 1e6)
            let returned = Set(approximate.map(\.id))
            figures.exactMatches += truth.count
            figures.found += truth.filter { returned.contains($0.id) }.count
        }
        return figures
    }

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
