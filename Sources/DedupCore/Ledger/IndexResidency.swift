import Synchronization

/// Which partitions the in-memory vector index holds, and which to drop when it outgrows its budget.
///
/// The index is a cache of the store, so it need not hold every partition: a partition loads on its
/// first use (every row after sequence 0) and catches up from there, and when the loaded rows outgrow
/// the budget the least recently used partitions are dropped whole, to be loaded again if they are used
/// again. Opening a ledger therefore loads nothing, and commands that never search never pay for it.
///
/// A partition in use — between a check's catch-up and its last candidate — is never dropped: the
/// check would otherwise search a partition emptied under it and answer `new` for a duplicate. Eviction
/// runs under this type's lock, which every use takes first, so no check can begin on a partition while
/// it is being dropped.
final class IndexResidency: Sendable {
    /// What the index may hold, in bytes of rows.
    let budgetBytes: Int
    /// What one row costs the index.
    let bytesPerRow: Int
    private let index: any VectorIndex
    private let state = Mutex(State())

    private struct Partition {
        /// The highest store sequence number the index has caught up with.
        var sequence: Int64 = 0
        /// Whether a committed catch-up has loaded the partition (an empty one too); a use only marks it.
        var loaded = false
        /// The logical time of the last use, for least-recently-used eviction.
        var lastUse: UInt64 = 0
        /// Checks and claims between their catch-up and their verdict.
        var users = 0
        /// A write transaction that caught this partition up failed: the rows it read may be gone, so the
        /// partition is dropped as soon as nobody uses it, and loads afresh on its next use.
        var stale = false
    }

    private struct State {
        var partitions: [PartitionKey: Partition] = [:]
        var clock: UInt64 = 0
        var evictions = 0
    }

    /// Residency over `index` with a budget of `budgetBytes`.
    init(index: any VectorIndex, budgetBytes: Int, bytesPerRow: Int) {
        self.index = index
        self.budgetBytes = max(0, budgetBytes)
        self.bytesPerRow = max(1, bytesPerRow)
    }

    /// Marks `partition` in use until the matching ``end(_:)``.
    func begin(_ partition: PartitionKey) {
        state.withLock { state in
            state.clock += 1
            var entry = state.partitions[partition] ?? Partition()
            entry.users += 1
            entry.lastUse = state.clock
            state.partitions[partition] = entry
        }
    }

    /// The sequence number to catch `partition` up after: 0 when it is not loaded.
    func sequence(of partition: PartitionKey) -> Int64 {
        state.withLock { $0.partitions[partition]?.sequence ?? 0 }
    }

    /// Whether the index holds `partition`: a committed catch-up loaded it and it was not dropped since.
    func isLoaded(_ partition: PartitionKey) -> Bool {
        state.withLock { $0.partitions[partition]?.loaded ?? false }
    }

    /// Records that the index caught up with `partition` up to sequence `last`.
    func caughtUp(_ partition: PartitionKey, through last: Int64) {
        state.withLock { state in
            guard var entry = state.partitions[partition] else { return }
            entry.sequence = max(entry.sequence, last)
            entry.loaded = true
            state.partitions[partition] = entry
        }
    }

    /// Marks `partition` stale: it is dropped when its last user ends (see ``end(_:)``).
    func invalidate(_ partition: PartitionKey) {
        state.withLock { state in
            state.partitions[partition]?.stale = true
        }
    }

    /// Ends one use of `partition`. A stale partition nobody uses any more is dropped. When the index holds
    /// more than the budget, drops the least recently used partitions not in use until it holds at most
    /// nine tenths of it (so eviction runs in batches, not at every call); returns how many partitions it
    /// dropped.
    @discardableResult
    func end(_ partition: PartitionKey) -> Int {
        state.withLock { state in
            var dropped = 0
            if var entry = state.partitions[partition] {
                entry.users = max(0, entry.users - 1)
                state.partitions[partition] = entry
                if entry.stale && entry.users == 0 {
                    index.removePartitions([partition])
                    state.partitions[partition] = nil
                    state.evictions += 1
                    dropped = 1
                }
            }
            let rows = index.count
            guard rows > budgetBytes / bytesPerRow else { return dropped }
            // Rows per partition, counted once for the batch: one pass over the index's map.
            let target = budgetBytes / bytesPerRow * 9 / 10
            let sizes = index.rowCounts()
            var victims = Set<PartitionKey>()
            var remaining = rows
            let idle = state.partitions.filter { $0.value.users == 0 }.sorted { $0.value.lastUse < $1.value.lastUse }
            for (key, _) in idle where remaining > target {
                victims.insert(key)
                remaining -= sizes[key] ?? 0
            }
            index.removePartitions(victims)
            for key in victims { state.partitions[key] = nil }
            state.evictions += victims.count
            return dropped + victims.count
        }
    }

    /// Runs `body` (an index write for `partition`) only while the partition is loaded, under the lock, so
    /// a write from outside a check (a completion) neither loads a stray row into a dropped partition nor
    /// races its eviction.
    func ifLoaded(_ partition: PartitionKey, _ body: () -> Void) {
        state.withLock { state in
            if state.partitions[partition] != nil { body() }
        }
    }

    /// How many partitions were dropped since the ledger opened.
    var evictions: Int { state.withLock { $0.evictions } }
}
