public import DedupCore
import Foundation

/// The ledger's queries on one SQLite connection, inside a transaction ``SQLiteStore`` opened.
public struct SQLiteTransaction: LedgerTransaction {
    let connection: SQLiteConnection

    private static let columns = """
        id, tenant, scope, tool, arguments, canonical, fingerprint, intent_key, idempotency_key, signature, \
        embedding, status, result, error, retryable, attempts, lease_expires_at, created_at, updated_at, \
        completed_at, expires_at
        """

    /// The record with `id` owned by `tenant`.
    public func record(id: String, tenant: String) throws -> CallRecord? {
        try first("SELECT \(Self.columns) FROM calls WHERE id = ? AND tenant = ?", [.text(id), .text(tenant)])
    }

    /// The record carrying a caller idempotency key.
    public func record(idempotencyKey: String, tenant: String) throws -> CallRecord? {
        try first(
            "SELECT \(Self.columns) FROM calls WHERE tenant = ? AND idempotency_key = ?",
            [.text(tenant), .text(idempotencyKey)]
        )
    }

    /// The newest live record of the partition with this fingerprint.
    public func record(fingerprint: String, partition: PartitionKey, nowMillis: Int64) throws -> CallRecord? {
        try newest(keyColumn: "fingerprint", key: fingerprint, partition: partition, nowMillis: nowMillis)
    }

    /// The newest live record of the partition with this intent key.
    public func record(intentKey: String, partition: PartitionKey, nowMillis: Int64) throws -> CallRecord? {
        try newest(keyColumn: "intent_key", key: intentKey, partition: partition, nowMillis: nowMillis)
    }

    /// `keyColumn` is one of this file's own column names, never caller input.
    private func newest(keyColumn: StaticString, key: String, partition: PartitionKey, nowMillis: Int64) throws
        -> CallRecord?
    {
        try first(
            """
            SELECT \(Self.columns) FROM calls WHERE tenant = ? AND scope = ? AND tool = ? AND \(keyColumn) = ?
            AND expires_at > ? ORDER BY seq DESC LIMIT 1
            """,
            [.text(partition.tenant), .text(partition.scope), .text(partition.tool), .text(key), .integer(nowMillis)]
        )
    }

    /// Inserts a record; a taken idempotency key is a ``DedupError/conflict(_:)``.
    public func insert(_ record: CallRecord) throws {
        try connection.query(
            """
            INSERT INTO calls (\(Self.columns), identity_group)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            Self.values(of: record) + [.integer(Int64(bitPattern: record.signature.identityGroup))]
        )
    }

    /// Replaces the stored record with the same id (and tenant).
    public func update(_ record: CallRecord) throws {
        try connection.query(
            """
            UPDATE calls SET idempotency_key = ?, status = ?, result = ?, error = ?, retryable = ?, attempts = ?,
            lease_expires_at = ?, updated_at = ?, completed_at = ?, expires_at = ? WHERE id = ? AND tenant = ?
            """,
            [
                record.idempotencyKey.map { .text($0) } ?? .null, .text(record.status.rawValue),
                record.result.map { .text($0.canonicalText) } ?? .null, record.error.map { .text($0) } ?? .null,
                .integer(record.retryable ? 1 : 0), .integer(Int64(record.attempts)),
                record.leaseExpiresAt.map { .integer($0.millis) } ?? .null, .integer(record.updatedAt.millis),
                record.completedAt.map { .integer($0.millis) } ?? .null, .integer(record.expiresAt.millis),
                .text(record.id), .text(record.tenant),
            ]
        )
        guard connection.changes == 1 else { throw DedupError.notFound("no call \(record.id) to update") }
    }

    /// Clears the idempotency key of a record.
    public func releaseIdempotencyKey(id: String) throws {
        try connection.query("UPDATE calls SET idempotency_key = NULL WHERE id = ?", [.text(id)])
    }

    /// A scope's records, oldest first.
    public func history(tenant: String, scope: String, limit: Int) throws -> [CallRecord] {
        var records: [CallRecord] = []
        try connection.query(
            "SELECT \(Self.columns) FROM calls WHERE tenant = ? AND scope = ? ORDER BY created_at, seq LIMIT ?",
            [.text(tenant), .text(scope), .integer(Int64(limit))]
        ) { (row) throws(DedupError) in records.append(try Self.record(from: row)) }
        return records
    }

    /// Appends an audit event.
    public func appendEvent(_ event: AuditEvent) throws {
        try connection.query(
            """
            INSERT INTO events (tenant, scope, tool, call_id, kind, layer, score, attempt, status, at, detail)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(event.tenant), .text(event.scope), .text(event.tool), .text(event.callID),
                .text(event.kind.rawValue), event.layer.map { .text($0.rawValue) } ?? .null,
                event.score.map { .real($0) } ?? .null, .integer(Int64(event.attempt)),
                event.status.map { .text($0.rawValue) } ?? .null, .integer(event.at.millis), .text(event.detail),
            ]
        )
    }

    /// A scope's events, oldest first.
    public func events(tenant: String, scope: String, limit: Int) throws -> [AuditEvent] {
        var events: [AuditEvent] = []
        try connection.query(
            """
            SELECT tool, call_id, kind, layer, score, attempt, status, at, detail FROM events
            WHERE tenant = ? AND scope = ? ORDER BY seq LIMIT ?
            """,
            [.text(tenant), .text(scope), .integer(Int64(limit))]
        ) { row in
            events.append(
                AuditEvent(
                    tenant: tenant,
                    scope: scope,
                    tool: row.text(0) ?? "",
                    callID: row.text(1) ?? "",
                    kind: AuditEvent.Kind(rawValue: row.text(2) ?? "") ?? .claimed,
                    layer: row.text(3).flatMap(Layer.init(rawValue:)),
                    score: row.isNull(4) ? nil : row.real(4),
                    attempt: Int(row.integer(5)),
                    status: row.text(6).flatMap(CallStatus.init(rawValue:)),
                    at: Date(millis: row.integer(7)),
                    detail: row.text(8) ?? ""
                )
            )
        }
        return events
    }

    /// Deletes a batch of expired records and old events.
    public func deleteExpired(nowMillis: Int64, eventsBeforeMillis: Int64, limit: Int) throws -> (
        calls: [(PartitionKey, String)], events: Int
    ) {
        var events = 0
        try connection.query(
            "DELETE FROM events WHERE seq IN (SELECT seq FROM events WHERE at < ? ORDER BY at LIMIT ?) RETURNING 1",
            [.integer(eventsBeforeMillis), .integer(Int64(limit))]
        ) { _ in events += 1 }
        var removed: [(PartitionKey, String)] = []
        try connection.query(
            """
            DELETE FROM calls WHERE id IN (SELECT id FROM calls WHERE expires_at <= ? ORDER BY expires_at LIMIT ?)
            RETURNING tenant, scope, tool, id
            """,
            [.integer(nowMillis), .integer(Int64(limit))]
        ) { row in
            removed.append(
                (
                    PartitionKey(tenant: row.text(0) ?? "", scope: row.text(1) ?? "", tool: row.text(2) ?? ""),
                    row.text(3) ?? ""
                )
            )
        }
        return (removed, events)
    }

    /// Index rows stored after `sequence`.
    public func indexRows(after sequence: Int64, nowMillis: Int64) throws -> (
        rows: [(PartitionKey, IndexRow)], last: Int64
    ) {
        var rows: [(PartitionKey, IndexRow)] = []
        var last = sequence
        try connection.query(
            """
            SELECT seq, tenant, scope, tool, id, identity_group, embedding, expires_at FROM calls
            WHERE seq > ? ORDER BY seq
            """,
            [.integer(sequence)]
        ) { row in
            last = max(last, row.integer(0))
            let expires = row.integer(7)
            let bytes = row.blob(6)
            guard expires > nowMillis, !bytes.isEmpty else { return }
            let partition = PartitionKey(tenant: row.text(1) ?? "", scope: row.text(2) ?? "", tool: row.text(3) ?? "")
            let indexRow = IndexRow(
                id: row.text(4) ?? "",
                group: UInt64(bitPattern: row.integer(5)),
                vector: Self.floats(from: bytes),
                expiresAtMillis: expires
            )
            rows.append((partition, indexRow))
        }
        return (rows, last)
    }

    private func first(_ sql: String, _ bindings: [SQLiteValue]) throws -> CallRecord? {
        var found: CallRecord?
        try connection.query(sql, bindings) { (row) throws(DedupError) in
            if found == nil { found = try Self.record(from: row) }
        }
        return found
    }

    private static func values(of record: CallRecord) -> [SQLiteValue] {
        [
            .text(record.id), .text(record.tenant), .text(record.scope), .text(record.tool),
            .text(record.arguments.canonicalText), .text(record.canonical), .text(record.fingerprint),
            record.intentKey.map { .text($0) } ?? .null, record.idempotencyKey.map { .text($0) } ?? .null,
            .text(record.signature.jsonValue.canonicalText),
            record.embedding.isEmpty ? .null : .blob(bytes(of: record.embedding)),
            .text(record.status.rawValue), record.result.map { .text($0.canonicalText) } ?? .null,
            record.error.map { .text($0) } ?? .null, .integer(record.retryable ? 1 : 0),
            .integer(Int64(record.attempts)), record.leaseExpiresAt.map { .integer($0.millis) } ?? .null,
            .integer(record.createdAt.millis), .integer(record.updatedAt.millis),
            record.completedAt.map { .integer($0.millis) } ?? .null, .integer(record.expiresAt.millis),
        ]
    }

    private static func record(from row: SQLiteRow) throws(DedupError) -> CallRecord {
        func json(_ column: Int32) throws(DedupError) -> JSONValue? {
            guard let text = row.text(column) else { return nil }
            do {
                return try JSONParser(maxDepth: 512).parse(text)
            } catch {
                throw .storage("stored JSON in column \(column) of call \(row.text(0) ?? "?") is damaged: \(error)")
            }
        }
        guard let status = CallStatus(rawValue: row.text(11) ?? "") else {
            throw .storage("call \(row.text(0) ?? "?") has an unknown status \(row.text(11) ?? "")")
        }
        return CallRecord(
            id: row.text(0) ?? "",
            tenant: row.text(1) ?? "",
            scope: row.text(2) ?? "",
            tool: row.text(3) ?? "",
            arguments: try json(4) ?? .object([:]),
            canonical: row.text(5) ?? "",
            fingerprint: row.text(6) ?? "",
            intentKey: row.text(7),
            idempotencyKey: row.text(8),
            signature: FieldSignature(json: try json(9) ?? .object([:])),
            embedding: floats(from: row.blob(10)),
            status: status,
            result: try json(12),
            error: row.text(13),
            retryable: row.integer(14) != 0,
            attempts: Int(row.integer(15)),
            leaseExpiresAt: row.isNull(16) ? nil : Date(millis: row.integer(16)),
            createdAt: Date(millis: row.integer(17)),
            updatedAt: Date(millis: row.integer(18)),
            completedAt: row.isNull(19) ? nil : Date(millis: row.integer(19)),
            expiresAt: Date(millis: row.integer(20))
        )
    }

    /// Float32 little-endian, as every supported platform stores them in memory.
    static func bytes(of vector: [Float]) -> [UInt8] {
        vector.withUnsafeBytes { Array($0) }
    }

    static func floats(from bytes: [UInt8]) -> [Float] {
        guard bytes.count % 4 == 0 else { return [] }
        return bytes.withUnsafeBytes { buffer in Array(buffer.bindMemory(to: Float.self)) }
    }
}
