/// A ``LedgerStore`` in memory: for tests, for `dedup replay`, and for trying the funnel without a file.
///
/// Writes change the state in place and keep an undo log, so a body that throws leaves nothing behind —
/// the same contract as the SQL stores — at no cost to a transaction that succeeds. Lookups go through
/// hash indexes, so a claim costs the same with a million records as with ten. Nothing survives the
/// process.
public final class MemoryLedgerStore: LedgerStore, @unchecked Sendable {
    // Only touched while holding `lock`: that is what makes the unchecked Sendable sound.
    fileprivate var state = MemoryLedgerState()
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

    /// Runs `body`; its writes are undone if it throws.
    public func withWriteTransaction<T: Sendable>(_ body: (MemoryLedgerTransaction) async throws -> T) async throws
        -> T
    {
        try await lock.withLock {
            let transaction = MemoryLedgerTransaction(store: self)
            do {
                return try await body(transaction)
            } catch {
                transaction.rollback()
                throw error
            }
        }
    }

    /// Runs `body` under the same lock (reads see every committed write).
    public func withReadTransaction<T: Sendable>(_ body: (MemoryLedgerTransaction) async throws -> T) async throws
        -> T
    {
        try await withWriteTransaction(body)
    }
}

struct MemoryLedgerState {
    var records: [String: CallRecord] = [:]
    var sequenceOfID: [String: Int64] = [:]
    var idsBySequence: [Int64: String] = [:]
    var nextSequence: Int64 = 1
    var byFingerprint: [String: [String]] = [:]
    var byIntent: [String: [String]] = [:]
    var byKey: [String: String] = [:]
    var byScope: [String: [String]] = [:]
    var events: [String: [AuditEvent]] = [:]

    static func partitionKey(_ partition: PartitionKey, _ value: String) -> String {
        [partition.tenant, partition.scope, partition.tool, value].joined(separator: "\u{1F}")
    }

    static func tenantKey(_ tenant: String, _ value: String) -> String { tenant + "\u{1F}" + value }
}

/// A transaction of a ``MemoryLedgerStore``.
public final class MemoryLedgerTransaction: LedgerTransaction {
    private let store: MemoryLedgerStore
    private var undo: [(inout MemoryLedgerState) -> Void] = []

    fileprivate init(store: MemoryLedgerStore) {
        self.store = store
    }

    fileprivate func rollback() {
        for step in undo.reversed() { step(&store.state) }
        undo.removeAll()
    }

    private func newest(_ ids: [String]?, nowMillis: Int64) -> CallRecord? {
        guard let ids else { return nil }
        for id in ids.reversed() {
            if let record = store.state.records[id], record.expiresAt.millis > nowMillis { return record }
        }
        return nil
    }

    /// The record with `id` owned by `tenant`.
    public func record(id: String, tenant: String) -> CallRecord? {
        store.state.records[id].flatMap { $0.tenant == tenant ? $0 : nil }
    }

    /// The record carrying the idempotency key.
    public func record(idempotencyKey: String, tenant: String) -> CallRecord? {
        store.state.byKey[MemoryLedgerState.tenantKey(tenant, idempotencyKey)].flatMap { store.state.records[$0] }
    }

    /// The newest live record of the partition with this fingerprint.
    public func record(fingerprint: String, partition: PartitionKey, nowMillis: Int64) -> CallRecord? {
        newest(store.state.byFingerprint[MemoryLedgerState.partitionKey(partition, fingerprint)], nowMillis: nowMillis)
    }

    /// The newest live record of the partition with this intent key.
    public func record(intentKey: String, partition: PartitionKey, nowMillis: Int64) -> CallRecord? {
        newest(store.state.byIntent[MemoryLedgerState.partitionKey(partition, intentKey)], nowMillis: nowMillis)
    }

    /// Inserts a record; a taken idempotency key or id is a conflict.
    public func insert(_ record: CallRecord) throws {
        if let key = record.idempotencyKey, self.record(idempotencyKey: key, tenant: record.tenant) != nil {
            throw DedupError.conflict("idempotency key \(key) is taken")
        }
        guard store.state.records[record.id] == nil else { throw DedupError.conflict("call \(record.id) exists") }
        let sequence = store.state.nextSequence
        store.state.nextSequence += 1
        store.state.records[record.id] = record
        store.state.sequenceOfID[record.id] = sequence
        store.state.idsBySequence[sequence] = record.id
        let fingerprintKey = MemoryLedgerState.partitionKey(record.partition, record.fingerprint)
        store.state.byFingerprint[fingerprintKey, default: []].append(record.id)
        let intentKey = record.intentKey.map { MemoryLedgerState.partitionKey(record.partition, $0) }
        if let intentKey { store.state.byIntent[intentKey, default: []].append(record.id) }
        let idempotencyKey = record.idempotencyKey.map { MemoryLedgerState.tenantKey(record.tenant, $0) }
        if let idempotencyKey { store.state.byKey[idempotencyKey] = record.id }
        let scopeKey = MemoryLedgerState.tenantKey(record.tenant, record.scope)
        store.state.byScope[scopeKey, default: []].append(record.id)
        undo.append { state in
            state.records[record.id] = nil
            state.sequenceOfID[record.id] = nil
            state.idsBySequence[sequence] = nil
            state.byFingerprint[fingerprintKey]?.removeLast()
            if let intentKey { state.byIntent[intentKey]?.removeLast() }
            if let idempotencyKey { state.byKey[idempotencyKey] = nil }
            state.byScope[scopeKey]?.removeLast()
        }
    }

    /// Replaces a record (its keys other than the idempotency key never change) if it is still in the
    /// state the caller read it in.
    public func update(_ record: CallRecord, ifStatus status: CallStatus, attempts: Int) throws -> Bool {
        guard let previous = store.state.records[record.id], previous.tenant == record.tenant else {
            throw DedupError.notFound("no call \(record.id) to update")
        }
        guard previous.status == status, previous.attempts == attempts else { return false }
        replace(previous, with: record)
        resequence(record.id)
        return true
    }

    /// Gives a changed record the next sequence number, so every index catches up with its new expiry.
    private func resequence(_ id: String) {
        guard let old = store.state.sequenceOfID[id] else { return }
        let new = store.state.nextSequence
        store.state.nextSequence += 1
        store.state.idsBySequence[old] = nil
        store.state.idsBySequence[new] = id
        store.state.sequenceOfID[id] = new
        undo.append { state in
            state.idsBySequence[new] = nil
            state.idsBySequence[old] = id
            state.sequenceOfID[id] = old
        }
    }

    private func replace(_ previous: CallRecord, with record: CallRecord) {
        store.state.records[record.id] = record
        if previous.idempotencyKey != record.idempotencyKey {
            if let key = previous.idempotencyKey {
                store.state.byKey[MemoryLedgerState.tenantKey(record.tenant, key)] = nil
            }
            if let key = record.idempotencyKey {
                store.state.byKey[MemoryLedgerState.tenantKey(record.tenant, key)] = record.id
            }
        }
        undo.append { state in
            state.records[record.id] = previous
            if let key = record.idempotencyKey { state.byKey[MemoryLedgerState.tenantKey(record.tenant, key)] = nil }
            if let key = previous.idempotencyKey {
                state.byKey[MemoryLedgerState.tenantKey(record.tenant, key)] = record.id
            }
        }
    }

    /// Clears a record's idempotency key.
    public func releaseIdempotencyKey(id: String) throws {
        guard let previous = store.state.records[id], previous.idempotencyKey != nil else { return }
        var record = previous
        record.idempotencyKey = nil
        replace(previous, with: record)
    }

    /// The distinct versions of live records.
    public func liveVersions(nowMillis: Int64) -> [RecordVersion] {
        Array(
            Set(
                store.state.records.values.filter { $0.expiresAt.millis > nowMillis }
                    .map { RecordVersion(tool: $0.tool, keyVersion: $0.keyVersion, modelID: $0.modelID) }
            )
        )
    }

    /// Live records of one version.
    public func records(with version: RecordVersion, nowMillis: Int64, limit: Int) -> [CallRecord] {
        Array(
            store.state.records.values
                .filter {
                    $0.expiresAt.millis > nowMillis && $0.tool == version.tool && $0.keyVersion == version.keyVersion
                        && $0.modelID == version.modelID
                }
                .prefix(limit)
        )
    }

    /// Rewrites a record's derived keys; the key indexes follow.
    public func rekey(_ record: CallRecord) throws {
        guard let previous = store.state.records[record.id], previous.tenant == record.tenant else {
            throw DedupError.notFound("no call \(record.id) to re-key")
        }
        var updated = previous
        updated.canonical = record.canonical
        updated.fingerprint = record.fingerprint
        updated.intentKey = record.intentKey
        updated.signature = record.signature
        updated.embedding = record.embedding
        updated.keyVersion = record.keyVersion
        updated.modelID = record.modelID
        let fingerprintKey = MemoryLedgerState.partitionKey(updated.partition, updated.fingerprint)
        let intentKey = updated.intentKey.map { MemoryLedgerState.partitionKey(updated.partition, $0) }
        store.state.records[record.id] = updated
        store.state.byFingerprint[fingerprintKey, default: []].append(record.id)
        if let intentKey { store.state.byIntent[intentKey, default: []].append(record.id) }
        undo.append { state in
            state.records[record.id] = previous
            state.byFingerprint[fingerprintKey]?.removeLast()
            if let intentKey { state.byIntent[intentKey]?.removeLast() }
        }
    }

    /// Appends an event.
    public func appendEvent(_ event: AuditEvent) {
        let key = MemoryLedgerState.tenantKey(event.tenant, event.scope)
        store.state.events[key, default: []].append(event)
        undo.append { state in state.events[key]?.removeLast() }
    }

    /// A scope's events, oldest first.
    public func events(tenant: String, scope: String, limit: Int) -> [AuditEvent] {
        Array((store.state.events[MemoryLedgerState.tenantKey(tenant, scope)] ?? []).prefix(limit))
    }

    /// A scope's records, oldest first.
    public func history(tenant: String, scope: String, limit: Int) -> [CallRecord] {
        let ids = store.state.byScope[MemoryLedgerState.tenantKey(tenant, scope)] ?? []
        return Array(
            ids.compactMap { store.state.records[$0] }
                .sorted {
                    ($0.createdAt, store.state.sequenceOfID[$0.id]!) < ($1.createdAt, store.state.sequenceOfID[$1.id]!)
                }
                .prefix(limit)
        )
    }

    /// Deletes expired records and old events (not undoable: pruning runs alone).
    /// In memory there is nothing to gain from batches: everything expired goes at once, whatever `limit`.
    public func deleteExpired(nowMillis: Int64, eventsBeforeMillis: Int64, limit: Int) -> (
        calls: [(PartitionKey, String)], events: Int
    ) {
        var events = 0
        for key in Array(store.state.events.keys) {
            let before = store.state.events[key]?.count ?? 0
            store.state.events[key]?.removeAll { $0.at.millis < eventsBeforeMillis }
            events += before - (store.state.events[key]?.count ?? 0)
        }
        let expired = store.state.records.values.filter { $0.expiresAt.millis <= nowMillis }
        guard !expired.isEmpty else { return ([], events) }
        let gone = Set(expired.map(\.id))
        for record in expired {
            store.state.records[record.id] = nil
            if let sequence = store.state.sequenceOfID.removeValue(forKey: record.id) {
                store.state.idsBySequence[sequence] = nil
            }
            if let key = record.idempotencyKey {
                store.state.byKey[MemoryLedgerState.tenantKey(record.tenant, key)] = nil
            }
        }
        for key in Array(store.state.byFingerprint.keys) {
            store.state.byFingerprint[key]?.removeAll { gone.contains($0) }
        }
        for key in Array(store.state.byIntent.keys) { store.state.byIntent[key]?.removeAll { gone.contains($0) } }
        for key in Array(store.state.byScope.keys) { store.state.byScope[key]?.removeAll { gone.contains($0) } }
        return (expired.map { ($0.partition, $0.id) }, events)
    }

    /// Index rows of one partition's records inserted or updated after `sequence`.
    public func indexRows(in partition: PartitionKey, after sequence: Int64, nowMillis: Int64) -> (
        rows: IndexRowBatch, last: Int64
    ) {
        let last = store.state.nextSequence - 1
        guard last > sequence else { return (IndexRowBatch(), sequence) }
        var rows = IndexRowBatch()
        for next in (sequence + 1)...last {
            guard let id = store.state.idsBySequence[next], let record = store.state.records[id],
                record.partition == partition, !record.embedding.isEmpty, record.expiresAt.millis > nowMillis
            else { continue }
            rows.append(IndexRow(record: record))
        }
        return (rows, last)
    }
}
