import CBLAS
import Synchronization

/// A ``VectorIndex`` that keeps each partition's rows in one contiguous row-major Float32 matrix and
/// scores a query against all of them with a single `cblas_sgemv`.
///
/// Growth doubles the matrix's capacity, so adding a row allocates nothing most of the time; removal
/// moves the last row into the hole. Each partition has its own lock, so a long scan in one partition
/// never stalls another.
public final class BLASVectorIndex: VectorIndex {
    /// Row length.
    public let dimension: Int
    private let partitions = Mutex<[PartitionKey: PartitionMatrix]>([:])

    /// An empty index for vectors of `dimension` components.
    public init(dimension: Int) {
        self.dimension = dimension
    }

    private func matrix(for partition: PartitionKey, create: Bool) -> PartitionMatrix? {
        partitions.withLock { partitions in
            if let matrix = partitions[partition] { return matrix }
            guard create else { return nil }
            let matrix = PartitionMatrix(dimension: dimension)
            partitions[partition] = matrix
            return matrix
        }
    }

    /// Adds or replaces a row; vectors of the wrong length are ignored (they come from another model).
    public func upsert(_ row: IndexRow, in partition: PartitionKey) {
        guard row.vector.count == dimension else { return }
        matrix(for: partition, create: true)!.state.withLock { $0.upsert(row) }
    }

    /// Removes a row.
    public func remove(id: String, from partition: PartitionKey) {
        matrix(for: partition, create: false)?.state.withLock { $0.remove(id: id) }
    }

    /// Scores every row of the partition with `cblas_sgemv`, then keeps the best rows of `group`.
    public func search(
        _ query: [Float],
        in partition: PartitionKey,
        group: UInt64,
        limit: Int,
        minScore: Float,
        nowMillis: Int64
    ) -> [IndexHit] {
        guard query.count == dimension, limit > 0, let matrix = matrix(for: partition, create: false) else {
            return []
        }
        return matrix.state.withLock { state in
            state.search(query, group: group, limit: limit, minScore: minScore, nowMillis: nowMillis)
        }
    }

    /// Drops expired rows in every partition, and partitions left empty.
    @discardableResult
    public func removeExpired(nowMillis: Int64) -> Int {
        let all = partitions.withLock { $0 }
        var removed = 0
        for (key, matrix) in all {
            let (count, empty) = matrix.state.withLock { state in
                let count = state.removeExpired(nowMillis: nowMillis)
                return (count, state.ids.isEmpty)
            }
            removed += count
            if empty {
                partitions.withLock { partitions in
                    if partitions[key] === matrix, matrix.state.withLock({ $0.ids.isEmpty }) {
                        partitions[key] = nil
                    }
                }
            }
        }
        return removed
    }

    /// Total rows.
    public var count: Int {
        partitions.withLock { $0.values.reduce(0) { $0 + $1.state.withLock { $0.ids.count } } }
    }

    /// Rows in one partition.
    public func count(in partition: PartitionKey) -> Int {
        matrix(for: partition, create: false)?.state.withLock { $0.ids.count } ?? 0
    }

    /// Scores of every row of the partition against `query`, in row order, computed with a plain Swift loop;
    /// the reference the BLAS path is tested and benchmarked against.
    public func referenceScores(_ query: [Float], in partition: PartitionKey) -> [(String, Float)] {
        guard let matrix = matrix(for: partition, create: false) else { return [] }
        return matrix.state.withLock { state in
            state.ids.indices.map { row in
                var sum: Float = 0
                for column in 0..<dimension { sum += state.rows[row * dimension + column] * query[column] }
                return (state.ids[row], sum)
            }
        }
    }

    /// Scores of every row of the partition against `query` via `cblas_sgemv`, in row order.
    public func blasScores(_ query: [Float], in partition: PartitionKey) -> [(String, Float)] {
        guard let matrix = matrix(for: partition, create: false) else { return [] }
        return matrix.state.withLock { state in
            state.score(query)
            return state.ids.indices.map { (state.ids[$0], state.scores[$0]) }
        }
    }
}

private final class PartitionMatrix: Sendable {
    let state: Mutex<Storage>

    init(dimension: Int) {
        state = Mutex(Storage(dimension: dimension))
    }

    struct Storage {
        let dimension: Int
        var rows: [Float] = []
        var ids: [String] = []
        var groups: [UInt64] = []
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
                groups[existing] = row.group
                expiries[existing] = row.expiresAtMillis
                return
            }
            if rows.count + dimension > rows.capacity {
                rows.reserveCapacity(max(rows.capacity * 2, dimension * 64))
            }
            rowOfID[row.id] = ids.count
            rows.append(contentsOf: row.vector)
            ids.append(row.id)
            groups.append(row.group)
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
                groups[row] = groups[last]
                expiries[row] = expiries[last]
                rowOfID[ids[row]] = row
            }
            rows.removeLast(dimension)
            ids.removeLast()
            groups.removeLast()
            expiries.removeLast()
        }

        mutating func removeExpired(nowMillis: Int64) -> Int {
            let expired = ids.indices.filter { expiries[$0] <= nowMillis }.map { ids[$0] }
            for id in expired { remove(id: id) }
            return expired.count
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

        mutating func search(_ query: [Float], group: UInt64, limit: Int, minScore: Float, nowMillis: Int64)
            -> [IndexHit]
        {
            score(query)
            var best: [(row: Int, score: Float)] = []
            for row in 0..<ids.count where groups[row] == group && scores[row] >= minScore {
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
