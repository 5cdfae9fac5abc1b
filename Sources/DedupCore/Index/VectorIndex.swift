/// A row in a ``VectorIndex``: a stored call's embedding and what the search filters on.
public struct IndexRow: Sendable, Hashable {
    /// The call id the row stands for.
    public var id: String
    /// The call's identity group (``FieldSignature/identityGroup``): only rows of the query's group count.
    public var group: UInt64
    /// The L2-normalised embedding.
    public var vector: [Float]
    /// When the row leaves the window, in milliseconds since 1970.
    public var expiresAtMillis: Int64
    /// The row's compact form as the store keeps it, when it does; then `vector` may be empty, and an index
    /// that needs the Float32 vector (``BLASVectorIndex``) skips the row.
    public var code: IndexCode?

    /// A row.
    public init(id: String, group: UInt64, vector: [Float], expiresAtMillis: Int64, code: IndexCode? = nil) {
        self.id = id
        self.group = group
        self.vector = vector
        self.expiresAtMillis = expiresAtMillis
        self.code = code
    }

    /// The row of a stored call: its id, identity group, embedding and expiry.
    public init(record: CallRecord) {
        self.init(
            id: record.id,
            group: record.signature.identityGroup,
            vector: record.embedding,
            expiresAtMillis: record.expiresAt.millis
        )
    }
}

/// A search hit: a call id and its cosine with the query.
public struct IndexHit: Sendable, Hashable {
    /// The call id.
    public var id: String
    /// Cosine similarity (rows and query are L2-normalised, so the dot product).
    public var score: Float

    /// A hit.
    public init(id: String, score: Float) {
        self.id = id
        self.score = score
    }
}

/// Cosine search over the recent calls of each partition (tenant + scope + tool).
///
/// The index is a cache, never the source of truth: the ledger rebuilds it on start, and every hit is
/// re-read from the ledger before it decides anything.
public protocol VectorIndex: Sendable {
    /// Adds or replaces the row with `row.id` in `partition`.
    func upsert(_ row: IndexRow, in partition: PartitionKey)
    /// Adds or replaces many rows of `partition`.
    func upsert(contentsOf rows: [IndexRow], in partition: PartitionKey)
    /// Adds or replaces the rows a store read for `partition`: how a partition loads and catches up.
    func upsert(_ batch: consuming IndexRowBatch, in partition: PartitionKey)
    /// Removes the row with `id` from `partition`, if present.
    func remove(id: String, from partition: PartitionKey)
    /// The best `limit` rows of `partition` in the query's identity `group` with score ≥ `minScore`,
    /// best first, ignoring rows expired at `nowMillis`.
    ///
    /// An index whose scores are approximate may return up to `2 × limit` rows: the best `limit` by its
    /// own scores, and after them rows whose exact score may place them among the best `limit`. A caller
    /// that needs the exact best `limit` ranks the hits by exact score (the funnel does).
    func search(
        _ query: [Float],
        in partition: PartitionKey,
        group: UInt64,
        limit: Int,
        minScore: Float,
        nowMillis: Int64
    ) -> [IndexHit]
    /// Drops rows that expired before `nowMillis`; returns how many.
    @discardableResult
    func removeExpired(nowMillis: Int64) -> Int
    /// Drops every row of the given partitions; returns how many rows went.
    @discardableResult
    func removePartitions(_ partitions: Set<PartitionKey>) -> Int
    /// Rows per partition.
    func rowCounts() -> [PartitionKey: Int]
    /// What one row costs in memory, roughly, for the ledger's memory budget.
    var bytesPerRow: Int { get }
    /// Total rows over all partitions.
    var count: Int { get }
}

extension VectorIndex {
    /// One ``upsert(_:in:)`` per row.
    public func upsert(contentsOf rows: [IndexRow], in partition: PartitionKey) {
        for row in rows { upsert(row, in: partition) }
    }

    /// ``upsert(contentsOf:in:)`` of the batch's rows, built one by one.
    public func upsert(_ batch: consuming IndexRowBatch, in partition: PartitionKey) {
        upsert(contentsOf: Array(batch), in: partition)
    }
}
