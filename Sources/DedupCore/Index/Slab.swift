import CDedupKernels

/// One partition's rows as columns: identity group, expiry, sign sketch, Int8 code and scale, call id.
///
/// Rows are dense: removal moves the last row into the hole in every column. A search reads the group
/// column, then expiry and sketch only of rows of the query's group, so other groups and expired rows
/// never take one of the rescoring places.
struct Slab {
    let dimension: Int
    private(set) var ids = SlabIDTable()
    private var groups: [UInt64] = []
    /// How many rows each group has (live or not): a search of a group with none — a new recipient, a claim
    /// of a new action — answers without reading the group column, and a small group's scan stops at its
    /// last row.
    private var groupCounts: [UInt64: Int32] = [:]
    private(set) var expiries: [Int64] = []
    private var sketches: [UInt64] = []
    private var codes: [Int8] = []
    private var scales: [Float] = []
    /// Scratch for the sketch stage: a row's Hamming distance (capped at 254), 255 for rows not eligible.
    private var distances: [UInt8] = []

    init(dimension: Int) {
        self.dimension = dimension
    }

    /// A slab holding the column rows of `batch` (of this dimension), taking its columns as they are — how a
    /// partition loads without building a value per row — or nil when an id appears twice in it.
    init?(adopting batch: IndexRowBatch) {
        guard let ids = SlabIDTable(bytes: batch.idBytes, offsets: batch.idOffsets, lengths: batch.idLengths)
        else { return nil }
        self.dimension = batch.dimension
        self.ids = ids
        groups = batch.groups
        for group in groups { groupCounts[group, default: 0] += 1 }
        expiries = batch.expiries
        sketches = batch.sketches
        codes = batch.codes
        scales = batch.scales
    }

    var count: Int { groups.count }

    /// What one slot of ``groupCounts`` takes: key, value and the table's metadata, rounded up.
    static let groupCountBytes = 16

    /// How many rows `group` has, expired ones included until they are removed.
    func rows(inGroup group: UInt64) -> Int { Int(groupCounts[group] ?? 0) }

    /// Bytes the columns hold, capacity included.
    var capacityBytes: Int {
        ids.capacityBytes + groups.capacity * 8 + expiries.capacity * 8 + sketches.capacity * 8 + codes.capacity
            + scales.capacity * 4 + distances.capacity + groupCounts.capacity * Self.groupCountBytes
    }

    /// Makes room for `additional` more rows with ids of about `idBytes` bytes, so a partition's load
    /// allocates each column once instead of copying it at every doubling.
    mutating func reserve(additional: Int, idBytes: Int) {
        let rows = count + additional
        ids.reserve(additional: additional, idBytes: idBytes)
        groups.reserveCapacity(rows)
        expiries.reserveCapacity(rows)
        scales.reserveCapacity(rows)
        sketches.reserveCapacity(rows * RowCodec.sketchWords)
        codes.reserveCapacity(rows * dimension)
    }

    /// Adds or replaces the row of `id` (its code is of this slab's dimension); returns whether it was new.
    mutating func upsert(id: String, group: UInt64, expiresAtMillis: Int64, _ code: IndexCode) -> Bool {
        let words = RowCodec.sketchWords
        if let existing = ids.row(of: id) {
            if groups[existing] != group {
                uncount(groups[existing])
                groupCounts[group, default: 0] += 1
            }
            groups[existing] = group
            expiries[existing] = expiresAtMillis
            for word in 0..<words { sketches[existing * words + word] = code.sketchWord(word) }
            code.withCodes { row in
                codes.withUnsafeMutableBufferPointer { all in
                    for index in 0..<dimension { all[existing * dimension + index] = row[index] }
                }
            }
            scales[existing] = code.scale
            return false
        }
        _ = ids.append(id)
        groups.append(group)
        groupCounts[group, default: 0] += 1
        expiries.append(expiresAtMillis)
        for word in 0..<words { sketches.append(code.sketchWord(word)) }
        code.withCodes { codes.append(contentsOf: $0) }
        scales.append(code.scale)
        return true
    }

    /// Removes the row of `id`; returns whether there was one.
    mutating func remove(id: String) -> Bool {
        guard let row = ids.row(of: id) else { return false }
        removeRow(row)
        shrinkIfSparse()
        return true
    }

    /// Removes rows expired at `nowMillis`; returns how many.
    mutating func removeExpired(nowMillis: Int64) -> Int {
        var removed = 0
        var row = 0
        while row < count {
            if expiries[row] <= nowMillis {
                removeRow(row)
                removed += 1
            } else {
                row += 1
            }
        }
        if removed > 0 { shrinkIfSparse() }
        return removed
    }

    private mutating func uncount(_ group: UInt64) {
        guard let rows = groupCounts[group] else { return }
        groupCounts[group] = rows > 1 ? rows - 1 : nil
    }

    private mutating func removeRow(_ row: Int) {
        let last = count - 1
        uncount(groups[row])
        ids.swapRemove(row)
        if row != last {
            groups[row] = groups[last]
            expiries[row] = expiries[last]
            scales[row] = scales[last]
            let words = RowCodec.sketchWords
            for word in 0..<words { sketches[row * words + word] = sketches[last * words + word] }
            codes.withUnsafeMutableBufferPointer { all in
                for index in 0..<dimension { all[row * dimension + index] = all[last * dimension + index] }
            }
        }
        groups.removeLast()
        expiries.removeLast()
        scales.removeLast()
        sketches.removeLast(RowCodec.sketchWords)
        codes.removeLast(dimension)
    }

    /// After a prune leaves a slab at a quarter of its capacity, copy the columns to give memory back.
    private mutating func shrinkIfSparse() {
        guard groups.capacity > 4 * max(count, 256) else { return }
        groups = groups.compacted()
        expiries = expiries.compacted()
        scales = scales.compacted()
        sketches = sketches.compacted()
        codes = codes.compacted()
        distances = []
        groupCounts = Dictionary(uniqueKeysWithValues: groupCounts.map { ($0.key, $0.value) })
    }

    /// The best `limit` rows of `group` unexpired at `nowMillis` that may score ≥ `minScore`, best first by
    /// approximate score, then up to `limit` more whose place is uncertain: rows whose exact score may be
    /// among the best `limit` given Int8 rounding.
    ///
    /// With more eligible rows than `rescore`, the sketch stage keeps the `rescore` nearest in Hamming
    /// distance, picked with a histogram of distances (0…254) rather than a sort; those, or all eligible
    /// rows when there are fewer, are rescored from their Int8 codes. A row is kept when its approximate
    /// score plus its worst-case rounding error (scale / 2 × ‖query‖₁) reaches `minScore`, so no row whose
    /// exact score reaches the floor is dropped by quantisation; the caller filters on exact scores.
    ///
    /// Rounding moves a score by about scale × ‖query‖₂ / √12, so two rows scoring within a few thousandths
    /// may swap places: a row just past the `limit`-th can be exactly better than it. A row past the
    /// `limit`-th is returned too when its score lies within ``uncertainty`` standard deviations of the
    /// difference of the two rows' errors below the `limit`-th's (at most `limit` such rows), so a caller that
    /// ranks the hits by exact score finds the exact best `limit` among them.
    mutating func search(
        _ query: SlabQuery,
        group: UInt64,
        limit: Int,
        minScore: Float,
        nowMillis: Int64,
        rescore: Int,
        allLive: Bool = false
    ) -> [IndexHit] {
        let rows = count
        let inGroup = self.rows(inGroup: group)
        guard rows > 0, limit > 0, inGroup > 0 else { return [] }
        let candidates: [Int32]
        if inGroup <= rescore {
            candidates = rowsOf(group, count: inGroup, nowMillis: nowMillis)
        } else {
            candidates = nearest(query, group: group, nowMillis: nowMillis, keep: rescore, allLive: allLive)
        }
        guard !candidates.isEmpty else { return [] }
        // Only the best `limit` and the `limit` after them are read below, so those are selected as the rows
        // are scored instead of sorting every rescored row.
        var scored = TopScores(capacity: 2 * limit)
        var dots = [Int32](repeating: 0, count: candidates.count)
        query.codes.withUnsafeBufferPointer { vector in
            codes.withUnsafeBufferPointer { codes in
                dots.withUnsafeMutableBufferPointer { dots in
                    dedup_dot_rows(
                        vector.baseAddress!,
                        codes.baseAddress!,
                        dimension,
                        candidates,
                        candidates.count,
                        dots.baseAddress!
                    )
                }
            }
        }
        for (row, dot) in zip(candidates, dots) {
            let scale = scales[Int(row)]
            let score = Float(dot) * query.scale * scale
            if score + scale * query.rowSlack + query.querySlack >= minScore { scored.add(row, score) }
        }
        let best = scored.best
        var kept = Array(best.prefix(limit))
        if best.count > limit, let last = kept.last {
            let lastDeviation = scales[Int(last.row)] * query.rowDeviation
            for next in best[limit...] {
                let deviation = scales[Int(next.row)] * query.rowDeviation
                let spread = (lastDeviation * lastDeviation + deviation * deviation).squareRoot()
                guard next.score >= last.score - Self.uncertainty * spread - 2 * query.querySlack else { break }
                kept.append(next)
            }
        }
        return kept.map { IndexHit(id: ids.id(at: Int($0.row)), score: $0.score) }
    }

    /// Standard deviations of rounding within which two places count as uncertain: a true swap beyond
    /// four is rarer than one in 15,000 pairs.
    static let uncertainty: Float = 4

    /// The `keep` eligible rows nearest to `sketch` in Hamming distance (ties broken by row order).
    /// The live rows of `group`, which has `count` rows: most checks find only a few rows of their group
    /// (one recipient's recent mail), all rescored, and the pass over the group column stops at the last.
    private func rowsOf(_ group: UInt64, count: Int, nowMillis: Int64) -> [Int32] {
        var found: [Int32] = []
        found.reserveCapacity(count)
        groups.withUnsafeBufferPointer { groups in
            expiries.withUnsafeBufferPointer { expiries in
                var seen = 0
                for row in 0..<groups.count where groups[row] == group {
                    if expiries[row] > nowMillis { found.append(Int32(row)) }
                    seen += 1
                    if seen == count { break }
                }
            }
        }
        return found
    }

    private mutating func nearest(
        _ query: SlabQuery,
        group: UInt64,
        nowMillis: Int64,
        keep: Int,
        allLive: Bool
    ) -> [Int32] {
        let rows = count
        let sketch = query.sketch()
        if distances.count < rows { distances = [UInt8](repeating: 0, count: groups.capacity) }
        assert(sketch.count == RowCodec.sketchWords, "the kernel reads 4-word sketches")
        var histogram = [Int](repeating: 0, count: 256)
        let eligible = groups.withUnsafeBufferPointer { groups in
            expiries.withUnsafeBufferPointer { expiries in
                // Every row is live when the slab's earliest expiry is still ahead: the column is not read.
                let expiries = allLive ? nil : expiries.baseAddress
                return sketches.withUnsafeBufferPointer { sketches in
                    distances.withUnsafeMutableBufferPointer { distances in
                        histogram.withUnsafeMutableBufferPointer { histogram in
                            dedup_sketch_distances(
                                sketch,
                                sketches.baseAddress!,
                                groups.baseAddress!,
                                expiries,
                                group,
                                nowMillis,
                                rows,
                                distances.baseAddress!,
                                histogram.baseAddress!
                            )
                        }
                    }
                }
            }
        }
        // The cut: every row nearer than `threshold`, and rows at `threshold` until `keep` are taken.
        var threshold = 0
        var below = 0
        while threshold < 255, below + histogram[threshold] < min(keep, eligible) {
            below += histogram[threshold]
            threshold += 1
        }
        let atThreshold = min(keep, eligible) - below
        var chosen = [Int32](repeating: 0, count: min(keep, eligible))
        let taken = distances.withUnsafeBufferPointer { distances in
            chosen.withUnsafeMutableBufferPointer { chosen in
                dedup_select_rows(
                    distances.baseAddress!,
                    rows,
                    Int32(threshold),
                    atThreshold,
                    chosen.count,
                    chosen.baseAddress!
                )
            }
        }
        chosen.removeLast(chosen.count - taken)
        return chosen
    }
}

extension Array {
    /// A copy with capacity for its elements only (`Array(self)` would share the oversized buffer).
    func compacted() -> [Element] {
        var copy: [Element] = []
        copy.reserveCapacity(count)
        copy.append(contentsOf: self)
        return copy
    }
}
