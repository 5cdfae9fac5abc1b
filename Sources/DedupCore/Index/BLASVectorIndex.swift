import CBLAS
import Synchronization

/// A ``VectorIndex`` that keeps rows in contiguous row-major Float32 matrices and scores a query
/// against a whole matrix with a single `cblas_sgemv`.
///
/// There is one matrix per partition *and identity group*: a candidate must share the query's identity
/// fields anyway (the identity guard), so scoring rows of other groups is wasted work. A tool whose
/// calls are all free text has one group, and its search scans the whole partition — the worst case
/// `dedup bench latency` measures. Growth doubles a matrix's capacity, so adding a row allocates nothing
/// most of the time; removal moves the last row into the hole. Each matrix has its own lock, so a long
/// scan never stalls other partitions.
public final class BLASVectorIndex: VectorIndex {
    /// Row length.
    public let dimension: Int
    private let state = Mutex(IndexState())

    private struct MatrixKey: Hashable {
        var partition: PartitionKey
        var group: UInt64
    }

    private struct IndexState {
        var matrices: [MatrixKey: PartitionMatrix] = [:]
        var locations: [String: MatrixKey] = [:]
    }

    /// An empty index for vectors of `dimension` components.
    public init(dimension: Int) {
        self.dimension = dimension
    }

    private func matrix(_ partition: PartitionKey, _ group: UInt64) -> PartitionMatrix? {
        state.withLock { $0.matrices[MatrixKey(partition: partition, group: group)] }
    }

    /// Adds or replaces a row; vectors of the wrong length are ignored (they come from another model).
    public func upsert(_ row: IndexRow, in partition: PartitionKey) {
        guard row.vector.count == dimension else { return }
        let key = MatrixKey(partition: partition, group: row.group)
        while true {
            let (matrix, previous) = state.withLock { state -> (PartitionMatrix, PartitionMatrix?) in
                let previous = state.locations[row.id].flatMap { $0 == key ? nil : state.matrices[$0] }
                let matrix = state.matrices[key] ?? PartitionMatrix(dimension: dimension)
                state.matrices[key] = matrix
                state.locations[row.id] = key
                return (matrix, previous)
            }
            previous?.state.withLock { $0.remove(id: row.id) }
            matrix.state.withLock { storage in
                storage.upsert(row)
                // Under the matrix lock, as pruning's reset is, so the bound never skips this row.
                matrix.earliestExpiry.min(row.expiresAtMillis)
            }
            // The matrix lock is taken without the map's, so a big scan never stalls other partitions —
            // but pruning may have dropped this matrix as empty before the row reached it. Once the row
            // is in, pruning no longer drops it; if it already did, put the row in the matrix now mapped.
            if state.withLock({ $0.matrices[key] === matrix }) { return }
            matrix.state.withLock { $0.remove(id: row.id) }
        }
    }

    /// Removes a row.
    public func remove(id: String, from partition: PartitionKey) {
        let matrix = state.withLock { state -> PartitionMatrix? in
            guard let key = state.locations[id], key.partition == partition else { return nil }
            state.locations[id] = nil
            return state.matrices[key]
        }
        matrix?.state.withLock { $0.remove(id: id) }
    }

    /// Scores every row of the partition's `group` with `cblas_sgemv` and keeps the best.
    public func search(
        _ query: [Float],
        in partition: PartitionKey,
        group: UInt64,
        limit: Int,
        minScore: Float,
        nowMillis: Int64
    ) -> [IndexHit] {
        guard query.count == dimension, limit > 0, let matrix = matrix(partition, group) else { return [] }
        return matrix.state.withLock { state in
            state.search(query, limit: limit, minScore: minScore, nowMillis: nowMillis)
        }
    }

    /// Drops expired rows everywhere, and matrices left empty.
    @discardableResult
    public func removeExpired(nowMillis: Int64) -> Int {
        // A snapshot of the map (copy-on-write: O(1) under the lock), walked outside it; matrices with
        // no row due are skipped without taking their lock.
        let all = state.withLock { $0.matrices }
        var removed = 0
        for (key, matrix) in all where matrix.earliestExpiry.value <= nowMillis {
            let expired = matrix.state.withLock { storage in
                let expired = storage.removeExpired(nowMillis: nowMillis)
                matrix.earliestExpiry.reset(to: storage.expiries.min() ?? .max)
                return expired
            }
            removed += expired.count
            state.withLock { state in
                for id in expired where state.locations[id] == key { state.locations[id] = nil }
                if state.matrices[key] === matrix, matrix.state.withLock({ $0.ids.isEmpty }) {
                    state.matrices[key] = nil
                }
            }
        }
        return removed
    }

    /// Drops every row of the given partitions, all their groups; returns how many rows went. One pass
    /// over the map whatever the number of partitions, so evict in batches.
    @discardableResult
    public func removePartitions(_ partitions: Set<PartitionKey>) -> Int {
        guard !partitions.isEmpty else { return 0 }
        return state.withLock { state in
            var removed = 0
            for key in state.matrices.keys.filter({ partitions.contains($0.partition) }) {
                guard let matrix = state.matrices.removeValue(forKey: key) else { continue }
                let ids = matrix.state.withLock { $0.ids }
                for id in ids where state.locations[id] == key { state.locations[id] = nil }
                removed += ids.count
            }
            return removed
        }
    }

    /// Rows per partition.
    public func rowCounts() -> [PartitionKey: Int] {
        state.withLock { state in
            var counts: [PartitionKey: Int] = [:]
            for (key, matrix) in state.matrices {
                counts[key.partition, default: 0] += matrix.state.withLock { $0.ids.count }
            }
            return counts
        }
    }

    /// What one row costs in memory, roughly: its Float32 vector plus its id, expiry and map entries.
    public var bytesPerRow: Int { dimension * MemoryLayout<Float>.size + 256 }

    /// Total rows.
    public var count: Int {
        state.withLock { $0.locations.count }
    }

    /// Rows in one partition, over all its groups.
    public func count(in partition: PartitionKey) -> Int {
        state.withLock { $0.locations.values.filter { $0.partition == partition }.count }
    }

    /// Scores of every row of one group against `query`, in row order, computed with a plain Swift loop;
    /// the reference the BLAS path is tested and benchmarked against.
    public func referenceScores(_ query: [Float], in partition: PartitionKey, group: UInt64) -> [(String, Float)] {
        guard let matrix = matrix(partition, group) else { return [] }
        return matrix.state.withLock { state in
            state.ids.indices.map { row in
                var sum: Float = 0
                for column in 0..<dimension { sum += state.rows[row * dimension + column] * query[column] }
                return (state.ids[row], sum)
            }
        }
    }

    /// Scores every row of one group into the matrix's scratch buffer and returns the row count —
    /// `cblas_sgemv` or, with `blas: false`, a plain Swift loop; for benchmarks, which must not time the
    /// copying of results.
    @discardableResult
    public func scoreAll(_ query: [Float], in partition: PartitionKey, group: UInt64, blas: Bool = true) -> Int {
        guard query.count == dimension, let matrix = matrix(partition, group) else { return 0 }
        return matrix.state.withLock { state in
            if blas {
                state.score(query)
            } else {
                state.scorePlain(query)
            }
            return state.ids.count
        }
    }

    /// Scores of every row of one group against `query` via `cblas_sgemv`, in row order.
    public func blasScores(_ query: [Float], in partition: PartitionKey, group: UInt64) -> [(String, Float)] {
        guard let matrix = matrix(partition, group) else { return [] }
        return matrix.state.withLock { state in
            state.score(query)
            return state.ids.indices.map { (state.ids[$0], state.scores[$0]) }
        }
    }
}

private final class PartitionMatrix: Sendable {
    let state: Mutex<Storage>
    /// No row expires before this (it may be earlier than the true minimum, never later), so pruning
    /// skips matrices with nothing due.
    let earliestExpiry = EarliestExpiry()

    init(dimension: Int) {
        state = Mutex(Storage(dimension: dimension))
    }

    struct Storage {
        let dimension: Int
        var rows: [Float] = []
        var ids: [String] = []
        var expiries: [Int64] = []
        var rowOfID: [String: Int] = [:]
        var scores: [Float] = []

        init(dimension: Int) {
            self.dimension = dimension
        }

        mutating func upsert(_ row: IndexRow) {
            if let existing = rowOfID[row.id] {
                let base = existing * dimension
                rows.replaceSubrange(base..<base + dimension, with: row.vector)
                expiries[existing] = row.expiresAtMillis
                return
            }
            // Most identity groups hold one or two rows (one recipient, one customer), so a matrix
            // starts at one row and doubles; a 64-row head start cost 64 KiB per group and, with a
            // fresh group per recipient, gigabytes under a soak test.
            if rows.count + dimension > rows.capacity {
                rows.reserveCapacity(max(rows.capacity * 2, dimension))
            }
            rowOfID[row.id] = ids.count
            rows.append(contentsOf: row.vector)
            ids.append(row.id)
            expiries.append(row.expiresAtMillis)
        }

        mutating func remove(id: String) {
            guard let row = rowOfID.removeValue(forKey: id) else { return }
            let last = ids.count - 1
            if row != last {
                let from = last * dimension
                let to = row * dimension
                for column in 0..<dimension { rows[to + column] = rows[from + column] }
                ids[row] = ids[last]
                expiries[row] = expiries[last]
                rowOfID[ids[row]] = row
            }
            rows.removeLast(dimension)
            ids.removeLast()
            expiries.removeLast()
            // Give memory back once a matrix has shrunk to a quarter of its capacity (after a prune).
            if rows.capacity > 4 * max(rows.count, dimension * 16) {
                var shrunk: [Float] = []
                shrunk.reserveCapacity(rows.count)
                shrunk.append(contentsOf: rows)
                rows = shrunk
                scores = []
            }
        }

        mutating func removeExpired(nowMillis: Int64) -> [String] {
            let expired = ids.indices.filter { expiries[$0] <= nowMillis }.map { ids[$0] }
            for id in expired { remove(id: id) }
            return expired
        }

        mutating func score(_ query: [Float]) {
            let count = ids.count
            if scores.count < count { scores = [Float](repeating: 0, count: max(count, scores.count * 2)) }
            guard count > 0 else { return }
            rows.withUnsafeBufferPointer { matrix in
                query.withUnsafeBufferPointer { vector in
                    scores.withUnsafeMutableBufferPointer { output in
                        cblas_sgemv(
                            CblasRowMajor,
                            CblasNoTrans,
                            Int32(count),
                            Int32(dimension),
                            1,
                            matrix.baseAddress,
                            Int32(dimension),
                            vector.baseAddress,
                            1,
                            0,
                            output.baseAddress,
                            1
                        )
                    }
                }
            }
        }

        mutating func scorePlain(_ query: [Float]) {
            let count = ids.count
            if scores.count < count { scores = [Float](repeating: 0, count: max(count, scores.count * 2)) }
            rows.withUnsafeBufferPointer { matrix in
                query.withUnsafeBufferPointer { vector in
                    scores.withUnsafeMutableBufferPointer { output in
                        for row in 0..<count {
                            var sum: Float = 0
                            let base = row * dimension
                            for column in 0..<dimension { sum += matrix[base + column] * vector[column] }
                            output[row] = sum
                        }
                    }
                }
            }
        }

        mutating func search(_ query: [Float], limit: Int, minScore: Float, nowMillis: Int64) -> [IndexHit] {
            score(query)
            var best: [(row: Int, score: Float)] = []
            for row in 0..<ids.count where scores[row] >= minScore {
                guard expiries[row] > nowMillis else { continue }
                let score = scores[row]
                if best.count == limit {
                    guard score > best[limit - 1].score else { continue }
                    best.removeLast()
                }
                let position = best.firstIndex { $0.score < score } ?? best.count
                best.insert((row, score), at: position)
            }
            return best.map { IndexHit(id: ids[$0.row], score: $0.score) }
        }
    }
}

/// A lower bound on a matrix's row expiries, readable without the matrix lock.
private final class EarliestExpiry: Sendable {
    private let millis = Atomic<Int64>(.max)

    var value: Int64 { millis.load(ordering: .acquiring) }

    /// Lowers the bound to `candidate` if it is earlier; called holding the matrix lock.
    func min(_ candidate: Int64) {
        var current = millis.load(ordering: .relaxed)
        while candidate < current {
            let (exchanged, original) = millis.compareExchange(
                expected: current,
                desired: candidate,
                ordering: .acquiringAndReleasing
            )
            if exchanged { return }
            current = original
        }
    }

    /// Sets the bound; called holding the matrix lock after a prune of that matrix.
    func reset(to value: Int64) {
        millis.store(value, ordering: .releasing)
    }
}
