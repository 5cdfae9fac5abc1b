import Synchronization

/// Keeps the in-memory vector index a faithful cache of the store: a partition loads on first use and
/// catches up with every row changed since — by this process or any other — the ledger's own writes go in
/// once they are committed, and what pruning deleted comes out.
///
/// The trap it exists for: a claim catches up inside its write transaction, and on SQLite that may be a
/// commit group's, shared with earlier claims whose uncommitted rows the catch-up reads. If the group then
/// fails, those rows roll back together with the AUTOINCREMENT counter, and later commits reuse their
/// numbers; a sequence recorded from them would skip the reused rows for good. So nothing a transaction
/// read counts until it committed: the ledger reports the sequence a transaction reached through
/// ``committed(_:through:written:)`` after the commit, or ``failed(_:)`` when it did not commit — which
/// drops the partition (and any rolled-back rows loaded into it) once nobody uses it.
///
/// The index is behind ``VectorIndex``: which implementation the ledger constructs is its own choice.
final class IndexSync: Sendable {
    /// The in-memory index.
    let index: any VectorIndex
    /// Which partitions the index holds.
    let residency: IndexResidency
    private let rowsReadCounter = Atomic<Int>(0)

    /// Synchronisation of `index`, holding at most `budgetBytes` of rows.
    init(index: any VectorIndex, budgetBytes: Int) {
        self.index = index
        self.residency = IndexResidency(index: index, budgetBytes: budgetBytes, bytesPerRow: index.bytesPerRow)
    }

    /// Marks `partition` in use, from the first catch-up to the verdict; pair with ``end(_:)``.
    func begin(_ partition: PartitionKey) {
        residency.begin(partition)
    }

    /// Ends one use of `partition` (and may drop partitions beyond the memory budget).
    func end(_ partition: PartitionKey) {
        residency.end(partition)
    }

    /// Loads the rows of `partition` changed since the sequence the index last committed to — every live
    /// row on first use or after the partition was dropped — and returns the highest sequence read, to be
    /// reported with ``committed(_:through:written:)`` once `transaction` has committed.
    func catchUp(
        _ transaction: some LedgerTransaction,
        partition: PartitionKey,
        nowMillis: Int64
    ) async throws -> Int64 {
        let after = residency.sequence(of: partition)
        let (rows, last) = try await transaction.indexRows(in: partition, after: after, nowMillis: nowMillis)
        rowsReadCounter.add(rows.count, ordering: .relaxed)
        index.upsert(consume rows, in: partition)
        return last
    }

    /// Whether `partition` is loaded (a committed catch-up read it and it was not dropped since).
    func isLoaded(_ partition: PartitionKey) -> Bool {
        residency.isLoaded(partition)
    }

    /// Rows catch-ups have read from the store since the ledger opened.
    var rowsRead: Int { rowsReadCounter.load(ordering: .relaxed) }

    /// The transaction that caught `partition` up through `sequence` committed, with `written` (the claim's
    /// new or taken-over record, if any) among its writes.
    func committed(_ partition: PartitionKey, through sequence: Int64, written: CallRecord?) {
        residency.caughtUp(partition, through: sequence)
        if let written { upsert(written) }
    }

    /// A write transaction of `partition` did not commit: the rows its catch-up read may be rolled back.
    func failed(_ partition: PartitionKey) {
        residency.invalidate(partition)
    }

    /// `record` was committed by a write outside any claim (a completion): into the index only if its
    /// partition is loaded — one that is not reads the new row when it loads.
    func stored(_ record: CallRecord) {
        residency.ifLoaded(record.partition) { upsert(record) }
    }

    /// Pruning deleted these records from the store.
    func deleted(_ records: [(partition: PartitionKey, id: String)]) {
        for record in records { index.remove(id: record.id, from: record.partition) }
    }

    /// Drops rows whose window ended by `nowMillis`. A row whose window another process extended comes
    /// back with the next catch-up: every write that extends a window gives the row a new change sequence.
    func removeExpired(nowMillis: Int64) {
        index.removeExpired(nowMillis: nowMillis)
    }

    /// Puts `record`'s row into the index (exact-only records have no embedding and no row).
    private func upsert(_ record: CallRecord) {
        guard !record.embedding.isEmpty else { return }
        index.upsert(IndexRow(record: record), in: record.partition)
    }
}
