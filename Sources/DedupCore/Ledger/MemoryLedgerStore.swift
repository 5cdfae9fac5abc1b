import Synchronization

/// A ``LedgerStore`` in memory, for tests and for trying the funnel without a file.
///
/// Transactions work on a copy of the state that is published on commit and dropped on rollback, so a
/// body that throws leaves nothing behind — the same contract as the SQL stores. Nothing survives the
/// process.
public final class MemoryLedgerStore: LedgerStore {
    private let state = Mutex(MemoryLedgerState())
    private let lock = AsyncLock()

    /// An empty store.
    public init() {}

    /// Claims are serialised by one lock over the whole store.
    public func withPartitionLock<T: Sendable>(
        _ partition: PartitionKey,
        _ body: (MemoryLedgerTransaction) async throws -> T
    ) async throws -> T {
        try await withWriteTransaction(body)
    }

    /// Runs `body` on a copy of the state and publishes the copy when it returns.
    public func withWriteTransaction<T: Sendable>(_ body: (MemoryLedgerTransaction) async throws -> T) async throws
        -> T
    {
        try await lock.withLock {
            let transaction = MemoryLedgerTransaction(state: state.withLock { $0 })
            let result = try await body(transaction)
            let committed = transaction.state
            state.withLock { $0 = committed }
            return result
        }
    }

    /// Runs `body` on a snapshot.
    public func withReadTransaction<T: Sendable>(_ body: (MemoryLedgerTransaction) async throws -> T) async throws
        -> T
    {
        try await body(MemoryLedgerTransaction(state: state.withLock { $0 }))
    }
}

struct MemoryLedgerState: Sendable {
    var records: [String: CallRecord] = [:]
    var sequenceOfID: [String: Int64] = [:]
    var nextSequence: Int64 = 1
    var events: [AuditEvent] = []
}

/// A transaction of a ``MemoryLedgerStore``.
public final class MemoryLedgerTransaction: LedgerTransaction {
    var state: MemoryLedgerState

    init(state: MemoryLedgerState) {
        self.state = state
    }

    private func live(_ partition: PartitionKey, _ nowMillis: Int64, where matches: (CallRecord) -> Bool)
        -> CallRecord?
    {
        state.records.values
            .filter { $0.partition == partition && $0.expiresAt.millis > nowMillis && matches($0) }
            .max { state.sequenceOfID[$0.id]! < state.sequenceOfID[$1.id]! }
    }

    /// The record with `id` owned by `tenant`.
    public func record(id: String, tenant: String) -> CallRecord? {
        state.records[id].flatMap { $0.tenant == tenant ? $0 : nil }
    }

    /// The record carrying the idempotency key.
    public func record(idempotencyKey: String, tenant: String) -> CallRecord? {
        state.records.values.first { $0.tenant == tenant && $0.idempotencyKey == idempotencyKey }
    }

    /// The newest live record of the partition with this fingerprint.
    public func record(fingerprint: String, partition: PartitionKey, nowMillis: Int64) -> CallRecord? {
        live(partition, nowMillis) { $0.fingerprint == fingerprint }
    }

    /// The newest live record of the partition with this intent key.
    public func record(intentKey: String, partition: PartitionKey, nowMillis: Int64) -> CallRecord? {
        live(partition, nowMillis) { $0.intentKey == intentKey }
    }

    /// Inserts a record; a taken idempotency key or id is a conflict.
    public func insert(_ record: CallRecord) throws {
        if let key = record.idempotencyKey, self.record(idempotencyKey: key, tenant: record.tenant) != nil {
            throw DedupError.conflict("idempotency key \(key) is taken")
        }
        guard state.records[record.id] == nil else { throw DedupError.conflict("call \(record.id) exists") }
        state.records[record.id] = record
        state.sequenceOfID[record.id] = state.nextSequence
        state.nextSequence += 1
    }

    /// Replaces a record.
    public func update(_ record: CallRecord) throws {
        guard state.records[record.id]?.tenant == record.tenant else {
            throw DedupError.notFound("no call \(record.id) to update")
        }
        state.records[record.id] = record
    }

    /// Clears a record's idempotency key.
    public func releaseIdempotencyKey(id: String) {
        state.records[id]?.idempotencyKey = nil
    }

    /// A scope's records, oldest first.
    public func history(tenant: String, scope: String, limit: Int) -> [CallRecord] {
        Array(
            state.records.values
                .filter { $0.tenant == tenant && $0.scope == scope }
                .sorted { ($0.createdAt, state.sequenceOfID[$0.id]!) < ($1.createdAt, state.sequenceOfID[$1.id]!) }
                .prefix(limit)
        )
    }

    /// Appends an event.
    public func appendEvent(_ event: AuditEvent) {
        state.events.append(event)
    }

    /// A scope's events, oldest first.
    public func events(tenant: String, scope: String, limit: Int) -> [AuditEvent] {
        Array(state.events.filter { $0.tenant == tenant && $0.scope == scope }.prefix(limit))
    }

    /// Deletes expired records and old events.
    public func deleteExpired(nowMillis: Int64, eventsBeforeMillis: Int64) -> [(PartitionKey, String)] {
        state.events.removeAll { $0.at.millis < eventsBeforeMillis }
        let expired = state.records.values.filter { $0.expiresAt.millis <= nowMillis }
        for record in expired {
            state.records[record.id] = nil
            state.sequenceOfID[record.id] = nil
        }
        return expired.map { ($0.partition, $0.id) }
    }

    /// Index rows of records stored after `sequence`.
    public func indexRows(after sequence: Int64, nowMillis: Int64) -> (rows: [(PartitionKey, IndexRow)], last: Int64) {
        let newer = state.records.values
            .filter { state.sequenceOfID[$0.id]! > sequence }
            .sorted { state.sequenceOfID[$0.id]! < state.sequenceOfID[$1.id]! }
        let rows = newer.filter { !$0.embedding.isEmpty && $0.expiresAt.millis > nowMillis }
            .map { record in
                (
                    record.partition,
                    IndexRow(
                        id: record.id,
                        group: record.signature.identityGroup,
                        vector: record.embedding,
                        expiresAtMillis: record.expiresAt.millis
                    )
                )
            }
        return (rows, newer.last.map { state.sequenceOfID[$0.id]! } ?? sequence)
    }
}
