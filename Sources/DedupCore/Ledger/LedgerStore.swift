/// The storage a ``DedupLedger`` runs on: SQLite for one process, PostgreSQL for several replicas.
///
/// The store provides durability and the two kinds of critical section the ledger needs; the funnel,
/// the index and the claim semantics live in the ledger, so every backend behaves the same.
public protocol LedgerStore: Sendable {
    /// The view of the store inside one transaction.
    associatedtype Transaction: LedgerTransaction

    /// Runs `body` in a write transaction during which no other claim of `partition` — in this process or
    /// any other sharing the store — can run. Commits when `body` returns, rolls back when it throws.
    func withPartitionLock<T: Sendable>(
        _ partition: PartitionKey,
        _ body: (Transaction) async throws -> T
    ) async throws -> T

    /// Runs `body` in a write transaction (completions, pruning).
    func withWriteTransaction<T: Sendable>(_ body: (Transaction) async throws -> T) async throws -> T

    /// Runs `body` on a consistent read-only view.
    func withReadTransaction<T: Sendable>(_ body: (Transaction) async throws -> T) async throws -> T
}

/// The queries and writes of one transaction. Lookups are tenant-scoped by construction: there is no
/// way to ask for a record without naming its tenant.
public protocol LedgerTransaction {
    /// The record with `id` owned by `tenant`.
    func record(id: String, tenant: String) async throws -> CallRecord?
    /// What ranks the record with `id` owned by `tenant` as a candidate, without decoding the rest of it.
    /// The default reads the whole record; a SQL store reads four columns.
    func candidateVector(id: String, tenant: String) async throws -> CandidateVector?
    /// The record carrying a caller idempotency key, expired or not.
    func record(idempotencyKey: String, tenant: String) async throws -> CallRecord?
    /// The live record of `partition` with this fingerprint.
    func record(fingerprint: String, partition: PartitionKey, nowMillis: Int64) async throws -> CallRecord?
    /// The live record of `partition` with this intent key.
    func record(intentKey: String, partition: PartitionKey, nowMillis: Int64) async throws -> CallRecord?
    /// Inserts a new record; throws ``DedupError/conflict(_:)`` when its idempotency key is taken.
    func insert(_ record: CallRecord) async throws
    /// Writes `record`'s changeable fields (status, outcome, attempts, lease, times, idempotency key) if the
    /// stored record still has `status` and `attempts` — the state the caller read it in — and says whether
    /// it did. `false` means another writer got there first (a racing completion, a takeover by another
    /// replica): read the record again and decide anew, so two outcomes are never both acknowledged.
    func update(_ record: CallRecord, ifStatus status: CallStatus, attempts: Int) async throws -> Bool
    /// The distinct (tool, key version, model) of live records: how a ledger opening tells whether any
    /// were keyed by other normaliser rules, another policy or another embedder model.
    func liveVersions(nowMillis: Int64) async throws -> [RecordVersion]
    /// Up to `limit` live records with exactly this tool, key version and model.
    func records(with version: RecordVersion, nowMillis: Int64, limit: Int) async throws -> [CallRecord]
    /// Rewrites what the normaliser and embedder derive from a record's arguments (canonical form, keys,
    /// signature, embedding, versions); its status and outcome stay as they are.
    func rekey(_ record: CallRecord) async throws
    /// Clears the idempotency key of an expired record so the key can be used again.
    func releaseIdempotencyKey(id: String) async throws
    /// Appends an event to its scope's audit timeline.
    func appendEvent(_ event: AuditEvent) async throws
    /// A scope's audit timeline, oldest first.
    func events(tenant: String, scope: String, limit: Int) async throws -> [AuditEvent]
    /// A scope's records, oldest first.
    func history(tenant: String, scope: String, limit: Int) async throws -> [CallRecord]
    /// Deletes up to `limit` records that expired at `nowMillis` and up to `limit` events older than
    /// `eventsBeforeMillis`; returns the deleted records' partitions and ids, and how many events went.
    /// Pruning calls it batch after batch, each its own transaction, so claims interleave with a big prune.
    func deleteExpired(nowMillis: Int64, eventsBeforeMillis: Int64, limit: Int) async throws -> (
        calls: [(PartitionKey, String)], events: Int
    )
    /// Index rows of one partition's live records changed after `sequence`, with the highest sequence
    /// number seen: how the ledger loads a partition on first use and catches up with rows others wrote.
    ///
    /// The sequence is a change sequence: ``insert(_:)`` and ``update(_:ifStatus:attempts:)`` (which may
    /// extend the window: a completion, a takeover) each give the row a number above any the partition
    /// had, so an index holding the row with its old expiry reads it again. Numbers must commit in order
    /// within a partition — a writer numbers its change only while no other writer of the partition can
    /// (the partition lock, or the store's single writer), and commits before the next one numbers its
    /// own — or a catch-up that saw a higher number would skip a lower one committed later.
    ///
    /// A store that keeps each row's ``IndexCode`` appends it to the batch as bytes
    /// (``IndexRowBatch/append(id:group:expiresAtMillis:code:)``), so a million-row load builds no value per row.
    func indexRows(in partition: PartitionKey, after sequence: Int64, nowMillis: Int64) async throws -> (
        rows: IndexRowBatch, last: Int64
    )
}

/// Which rules and model made a stored record's keys and embedding.
public struct RecordVersion: Sendable, Hashable {
    /// The record's tool (the policy, and so the key version, is per tool).
    public var tool: String
    /// ``CallRecord/keyVersion``.
    public var keyVersion: String
    /// ``CallRecord/modelID``.
    public var modelID: String

    /// A version triple.
    public init(tool: String, keyVersion: String, modelID: String) {
        self.tool = tool
        self.keyVersion = keyVersion
        self.modelID = modelID
    }
}

extension LedgerTransaction {
    /// Reads the whole record: right for a store that holds records decoded.
    public func candidateVector(id: String, tenant: String) async throws -> CandidateVector? {
        try await record(id: id, tenant: tenant).map(CandidateVector.init)
    }
}
