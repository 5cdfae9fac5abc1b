import Synchronization

/// The ledger's ``VectorIndex``: one slab of compact columns per partition, searched in two stages.
///
/// A full Float32 scan reads 1 KiB per row (256 dimensions), so at a million rows every check streams a
/// gigabyte and is as slow as the machine's memory. Here a search first reads 50 bytes per row — group,
/// expiry, a 256-bit sign sketch, a distance byte written and read — keeps the `rescore` rows nearest in
/// Hamming distance, and rescores only those from 256-byte Int8 codes. Rows of other identity groups and
/// expired rows are passed over in the first stage, so they never crowd true matches out of the rescoring places.
///
/// Scores are approximate (Int8 rows, Int16 query: at most scale / 2 × ‖query‖₁ off, plus the query's
/// own rounding); the index keeps every row that could reach `minScore` given that error, so callers
/// must compute the exact score from the stored embedding and filter again — the funnel does. Rounding can
/// also swap the places of rows scoring within a few thousandths, so a search returns up to `limit` more
/// rows whose place is uncertain, and the funnel ranks them all by exact score before it keeps `limit`.
/// The sketch stage is the only place a true match can be lost: when more than `rescore` rows of the group
/// lie nearer to the query in Hamming distance.
/// `dedup bench latency` reports how often that happens (`recall_vs_exact`).
///
/// Both stages' inner loops (Hamming distances, the cut, Int8 dot products) are C (`CDedupKernels`), built
/// twice and chosen at run time: the package's default x86-64 target has neither POPCNT nor 256-bit lanes,
/// and with them a 10k-row search takes about 60 % of the time (p50 132 → 82 µs, `dedup bench latency`).
/// While the slab's earliest expiry is ahead, the sketch stage skips the expiry column, and the rescoring
/// prefetches the rows it reads next: at 1M rows a search went from 6.2 to 3.1 ms (p50).
///
/// A row costs about 360 bytes: its code (`dimension` bytes), sketch (32), group and expiry (16), scale
/// (4), distance byte, id bytes and about 14 bytes of id table. A call id belongs to one partition; the
/// same id upserted into two partitions is two rows.
///
/// Concurrency: the map of slabs has its own small lock, each slab another, and the map's is taken first
/// when both are held. A slab leaves the map only while both locks are held and is marked retired then,
/// so an upsert that found a slab just before it left the map sees the mark and retries in the new one.
public final class SlabVectorIndex: VectorIndex {
    /// Row length.
    public let dimension: Int
    /// The fewest rows rescored from Int8 codes per search when a group holds more (at least `limit`).
    public let rescore: Int
    /// One row in this many of a partition is rescored when that is more than ``rescore`` (`nil`: always
    /// ``rescore``).
    public let rowsPerRescored: Int?
    private let codec: RowCodec
    private let slabs = Mutex<[PartitionKey: PartitionSlab]>([:])
    private let rows = Atomic<Int>(0)

    /// The first stage's bytes per row of the query's group: group, expiry, sketch, and the distance
    /// byte written and read back.
    public static let scanBytesPerRow = 8 + 8 + RowCodec.sketchBytes + 2

    /// An empty index for vectors of `dimension` components that rescores `rescore` rows per search, or one
    /// row in `rowsPerRescored` of the partition when that is more.
    ///
    /// The sketch's Hamming distance is a noisy estimate of the angle, so how many rows out-rank a true match
    /// in it grows with the partition: a fixed depth loses more true matches the larger the partition. On
    /// `dedup bench latency`'s synthetic data (one recipient, thousands of near-identical calls) at a
    /// million rows, a fixed 2048 kept 98.8 % of the exact top matches above the floor, 4096 kept 99.8 % and
    /// 8192 all of them, for a search p99 of 13.6, 18.3 and 20.6 ms against 150 ms for the exact scan
    /// (`bench/results/latency.md`). One row in 128 (7812 at a million) costs 2 bytes a row next to the
    /// first stage's 42, and below 262 144 rows the floor of 2048 holds, so small partitions pay nothing.
    public init(dimension: Int, rescore: Int = 2048, rowsPerRescored: Int? = 128) {
        self.dimension = dimension
        self.rescore = max(1, rescore)
        self.rowsPerRescored = rowsPerRescored.map { max(1, $0) }
        self.codec = RowCodec(dimension: dimension)
    }

    /// Adds or replaces a row, from its stored ``IndexRow/code`` when it has one of this dimension, else
    /// from its vector; rows of another length are ignored (they come from another model).
    public func upsert(_ row: IndexRow, in partition: PartitionKey) {
        upsert(contentsOf: [row], in: partition)
    }

    /// Adds or replaces rows of one partition under one take of its lock — how a partition loads.
    public func upsert(contentsOf rows: [IndexRow], in partition: PartitionKey) {
        let encoded = rows.compactMap { row -> (row: IndexRow, code: IndexCode)? in
            if let code = row.code, code.dimension == dimension { return (row, code) }
            guard row.vector.count == dimension else { return nil }
            return (row, codec.encode(row.vector))
        }
        guard !encoded.isEmpty else { return }
        let earliest = encoded.lazy.map(\.row.expiresAtMillis).min() ?? .max
        withLiveSlab(of: partition, earliest: earliest) { slab in
            var added = 0
            // A load into an empty slab sizes its columns once; later small batches grow them by doubling
            // (reserving exactly for each would copy the columns every time).
            if slab.count == 0, encoded.count > 1 {
                slab.reserve(additional: encoded.count, idBytes: encoded[0].row.id.utf8.count)
            }
            for (row, code) in encoded
            where slab.upsert(id: row.id, group: row.group, expiresAtMillis: row.expiresAtMillis, code) {
                added += 1
            }
            return added
        }
    }

    /// Adds or replaces the rows of `batch` in `partition`: a partition's first load adopts the batch's
    /// columns as the slab's (no value per row, no copy), a catch-up into a loaded slab goes row by row.
    public func upsert(_ batch: consuming IndexRowBatch, in partition: PartitionKey) {
        var batch = consume batch
        guard batch.dimension == 0 || batch.dimension == dimension else {
            upsert(contentsOf: Array(batch), in: partition)
            return
        }
        batch.encodeOthers(dimension: dimension, codec: codec)
        guard batch.columnCount > 0 else { return }
        let earliest = batch.expiries.min() ?? .max
        withLiveSlab(of: partition, earliest: earliest) { slab in
            if slab.count == 0 {
                var taken = IndexRowBatch()
                swap(&taken, &batch)
                if let adopted = Slab(adopting: taken) {
                    slab = adopted
                    return adopted.count
                }
                swap(&taken, &batch)
                slab.reserve(additional: batch.count, idBytes: batch.first.map { $0.id.utf8.count } ?? 32)
            }
            var added = 0
            for row in batch
            where slab.upsert(id: row.id, group: row.group, expiresAtMillis: row.expiresAtMillis, row.code!) {
                added += 1
            }
            return added
        }
    }

    /// Runs `body` on the slab of `partition` (made if there is none) under the slab's lock, and counts the
    /// rows it says it added. A slab that pruning retired between the map lookup and the lock is never
    /// written: the lookup starts over, so no row lands in a slab that has left the index. The slab's expiry
    /// bound is lowered to `earliest` under the same lock, as pruning's reset is, so the bound never skips
    /// these rows.
    private func withLiveSlab(of partition: PartitionKey, earliest: Int64, _ body: (inout Slab) -> Int) {
        while true {
            let slab = slabs.withLock { map in
                if let slab = map[partition] { return slab }
                let slab = PartitionSlab(partition: partition, dimension: dimension)
                map[partition] = slab
                return slab
            }
            let landed = slab.state.withLock { state -> Bool in
                guard !state.retired else { return false }
                rows.add(body(&state.slab), ordering: .relaxed)
                slab.lowerEarliestExpiry(to: earliest)
                return true
            }
            if landed { return }
        }
    }

    /// Removes a row.
    public func remove(id: String, from partition: PartitionKey) {
        guard let slab = slabs.withLock({ $0[partition] }) else { return }
        slab.state.withLock { state in
            if state.slab.remove(id: id) { rows.subtract(1, ordering: .relaxed) }
        }
    }

    /// The best `limit` rows of the group by approximate score, then up to `limit` rows whose place among
    /// them is uncertain; see the type's notes for what "best" may miss.
    public func search(
        _ query: [Float],
        in partition: PartitionKey,
        group: UInt64,
        limit: Int,
        minScore: Float,
        nowMillis: Int64
    ) -> [IndexHit] {
        guard query.count == dimension, limit > 0, let slab = slabs.withLock({ $0[partition] }) else { return [] }
        let probe = SlabQuery(query, codec: codec)
        return slab.state.withLock { state in
            let rescore = rescoreDepth(rows: state.slab.count, limit: limit)
            return state.slab.search(
                probe,
                group: group,
                limit: limit,
                minScore: minScore,
                nowMillis: nowMillis,
                rescore: rescore,
                // The bound only moves under the slab lock, held here; it is never later than a row's expiry.
                allLive: slab.earliestExpiry > nowMillis
            )
        }
    }

    /// Drops expired rows everywhere, and slabs left empty.
    @discardableResult
    public func removeExpired(nowMillis: Int64) -> Int {
        // Only slabs with a row due; the map is walked, not copied, so a prune among 100k partitions does
        // not duplicate the map.
        let due = slabs.withLock { map in map.values.filter { $0.earliestExpiry <= nowMillis } }
        var removed = 0
        var emptied: [PartitionSlab] = []
        for slab in due {
            let (count, empty) = slab.state.withLock { state -> (Int, Bool) in
                let count = state.slab.removeExpired(nowMillis: nowMillis)
                slab.resetEarliestExpiry(to: state.slab.expiries.min() ?? .max)
                return (count, state.slab.count == 0)
            }
            rows.subtract(count, ordering: .relaxed)
            removed += count
            if empty { emptied.append(slab) }
        }
        guard !emptied.isEmpty else { return removed }
        slabs.withLock { map in
            for slab in emptied where map[slab.partition] === slab {
                // An upsert may have refilled it since; only a slab still empty goes.
                let retired = slab.state.withLock { state in
                    guard state.slab.count == 0 else { return false }
                    state.retired = true
                    return true
                }
                if retired { map[slab.partition] = nil }
            }
        }
        return removed
    }

    /// Drops every row of the given partitions and frees their slabs; returns how many rows went.
    @discardableResult
    public func removePartitions(_ partitions: Set<PartitionKey>) -> Int {
        guard !partitions.isEmpty else { return 0 }
        var removed = 0
        slabs.withLock { map in
            for partition in partitions {
                guard let slab = map.removeValue(forKey: partition) else { continue }
                removed += slab.state.withLock { state in
                    let count = state.slab.count
                    state.retired = true
                    state.slab = Slab(dimension: dimension)
                    return count
                }
            }
        }
        rows.subtract(removed, ordering: .relaxed)
        return removed
    }

    /// Rows per partition (partitions with rows only).
    public func rowCounts() -> [PartitionKey: Int] {
        let all = slabs.withLock { Array($0.values) }
        var counts: [PartitionKey: Int] = [:]
        for slab in all {
            let count = slab.state.withLock { $0.retired ? 0 : $0.slab.count }
            if count > 0 { counts[slab.partition] = count }
        }
        return counts
    }

    /// What one row costs: its Int8 code and the fixed columns, id bytes and table share included.
    public var bytesPerRow: Int { dimension + Self.scanBytesPerRow + 4 + 31 + 14 + 8 }

    /// Total rows, without taking any lock.
    public var count: Int { rows.load(ordering: .relaxed) }

    /// Bytes one search reads in a partition of `rows` rows, `eligible` of them of the query's group and
    /// unexpired — the figure to set against the machine's memory bandwidth.
    public func bytesScanned(rows: Int, eligible: Int, limit: Int) -> Int {
        let rescore = rescoreDepth(rows: rows, limit: limit)
        let rescored = min(eligible, rescore)
        // A slab no larger than `rescore` skips the sketch stage: group and expiry, then the codes.
        let first = rows <= rescore ? rows * 16 : rows * 10 + eligible * (Self.scanBytesPerRow - 10)
        return first + rescored * (dimension + 4)
    }

    /// How many rows a search of a partition of `rows` rows rescores from Int8 codes.
    public func rescoreDepth(rows: Int, limit: Int) -> Int {
        max(rescore, limit, rowsPerRescored.map { rows / $0 } ?? 0)
    }

    /// Bytes the slabs hold, capacity included — for the benchmark's memory figures.
    public var capacityBytes: Int {
        let all = slabs.withLock { Array($0.values) }
        return all.reduce(0) { total, slab in total + slab.state.withLock { $0.slab.capacityBytes } }
    }
}
