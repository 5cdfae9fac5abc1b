import Synchronization

/// A partition's slab, its lock and a lower bound on its expiries readable without the lock.
final class PartitionSlab: Sendable {
    struct State {
        var slab: Slab
        /// Set when the slab leaves the index; an upsert that finds it set starts over.
        var retired = false
    }

    let partition: PartitionKey
    let state: Mutex<State>
    /// No row expires before this (it may be earlier than the true minimum, never later), so pruning
    /// skips slabs with nothing due.
    private let earliest = Atomic<Int64>(.max)

    init(partition: PartitionKey, dimension: Int) {
        self.partition = partition
        self.state = Mutex(State(slab: Slab(dimension: dimension)))
    }

    var earliestExpiry: Int64 { earliest.load(ordering: .acquiring) }

    /// Lowers the bound to `candidate` if it is earlier; called holding the slab lock.
    func lowerEarliestExpiry(to candidate: Int64) {
        _ = earliest.min(candidate, ordering: .acquiringAndReleasing)
    }

    /// Sets the bound; called holding the slab lock after a prune.
    func resetEarliestExpiry(to value: Int64) {
        earliest.store(value, ordering: .releasing)
    }
}
