extension DedupLedger {
    /// Loads `partition`'s committed rows into the index, once, if it is not loaded yet.
    ///
    /// A claim's catch-up counts only once its write transaction commits (``IndexSync``), and a commit group
    /// holds up to 64 claims: on a cold partition each claim of the group would read the whole partition
    /// again — a server started under load stalled 0.5–1 s on its first group (64 × 10k rows). A read
    /// transaction sees only committed rows, so what it loads counts at once; the partition's turn makes
    /// concurrent first uses, claims and checks alike, wait for one load instead of each doing it, while
    /// other partitions load alongside.
    func load(_ partition: PartitionKey) async throws {
        guard !sync.isLoaded(partition) else { return }
        try await loading.withTurn(partition.stableHash) {
            guard !sync.isLoaded(partition) else { return }
            let nowMillis = configuration.clock().millis
            let caughtUp = try await store.withReadTransaction { transaction in
                try await self.sync.catchUp(transaction, partition: partition, nowMillis: nowMillis)
            }
            sync.committed(partition, through: caughtUp, written: nil)
        }
    }

    /// Rows read from the store into the vector index since the ledger opened: a partition's first load
    /// reads its live rows, later catch-ups the rows changed since.
    public var indexRowsRead: Int { sync.rowsRead }
}
