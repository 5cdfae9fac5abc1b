public import DedupCore
import Foundation
import Logging
import NIOCore
import PostgresNIO

/// The ledger's queries on one PostgreSQL connection, inside a transaction ``PostgresStore`` opened.
public struct PostgresTransaction: LedgerTransaction {
    let connection: PostgresConnection
    let logger: Logger

    private static let columns = """
        id, tenant, scope, tool, arguments, canonical, fingerprint, intent_key, idempotency_key, signature, \
        embedding, status, result, error, retryable, attempts, lease_expires_at, created_at, updated_at, \
        completed_at, expires_at
        """

    private func records(_ query: PostgresQuery) async throws -> [CallRecord] {
        var records: [CallRecord] = []
        for try await row in try await connection.query(query, logger: logger) {
            records.append(try Self.record(from: row.makeRandomAccess()))
        }
        return records
    }

    /// The record with `id` owned by `tenant`.
    public func record(id: String, tenant: String) async throws -> CallRecord? {
        try await records("SELECT \(unescaped: Self.columns) FROM calls WHERE id = \(id) AND tenant = \(tenant)").first
    }

    /// The record carrying a caller idempotency key.
    public func record(idempotencyKey: String, tenant: String) async throws -> CallRecord? {
        try await records(
            "SELECT \(unescaped: Self.columns) FROM calls WHERE tenant = \(tenant) AND idempotency_key = \(idempotencyKey)"
        )
        .first
    }

    /// The newest live record of the partition with this fingerprint.
    public func record(fingerprint: String, partition: PartitionKey, nowMillis: Int64) async throws -> CallRecord? {
        try await newest(keyColumn: "fingerprint", key: fingerprint, partition: partition, nowMillis: nowMillis)
    }

    /// The newest live record of the partition with this intent key.
    public func record(intentKey: String, partition: PartitionKey, nowMillis: Int64) async throws -> CallRecord? {
        try await newest(keyColumn: "intent_key", key: intentKey, partition: partition, nowMillis: nowMillis)
    }

    /// `keyColumn` is one of this file's own column names, never caller input.
    private func newest(keyColumn: StaticString, key: String, partition: PartitionKey, nowMillis: Int64) async throws
        -> CallRecord?
    {
        try await records(
            """
            SELECT \(unescaped: Self.columns) FROM calls WHERE tenant = \(partition.tenant) AND scope = \(partition.scope)
            AND tool = \(partition.tool) AND \(unescaped: "\(keyColumn)") = \(key) AND expires_at > \(nowMillis)
            ORDER BY seq DESC LIMIT 1
            """
        )
        .first
    }

    /// Inserts a record; a taken idempotency key is a ``DedupError/conflict(_:)``. `ON CONFLICT DO NOTHING`
    /// rather than a failing insert: an error would abort the whole transaction.
    public func insert(_ record: CallRecord) async throws {
        let rows = try await connection.query(
            """
            INSERT INTO calls (\(unescaped: Self.columns), identity_group) VALUES (
            \(record.id), \(record.tenant), \(record.scope), \(record.tool), \(record.arguments.canonicalText),
            \(record.canonical), \(record.fingerprint), \(record.intentKey), \(record.idempotencyKey),
            \(record.signature.jsonValue.canonicalText), \(Self.bytes(of: record.embedding)),
            \(record.status.rawValue), \(record.result?.canonicalText), \(record.error), \(record.retryable),
            \(record.attempts), \(record.leaseExpiresAt?.millis), \(record.createdAt.millis),
            \(record.updatedAt.millis), \(record.completedAt?.millis), \(record.expiresAt.millis),
            \(Int64(bitPattern: record.signature.identityGroup)))
            ON CONFLICT DO NOTHING RETURNING seq
            """,
            logger: logger
        )
        var inserted = false
        for try await _ in rows { inserted = true }
        guard inserted else {
            throw DedupError.conflict("call \(record.id) or its idempotency key is already recorded")
        }
    }

    /// Replaces the stored record with the same id (and tenant).
    public func update(_ record: CallRecord) async throws {
        try await connection.query(
            """
            UPDATE calls SET idempotency_key = \(record.idempotencyKey), status = \(record.status.rawValue),
            result = \(record.result?.canonicalText), error = \(record.error), retryable = \(record.retryable),
            attempts = \(record.attempts), lease_expires_at = \(record.leaseExpiresAt?.millis),
            updated_at = \(record.updatedAt.millis), completed_at = \(record.completedAt?.millis),
            expires_at = \(record.expiresAt.millis) WHERE id = \(record.id) AND tenant = \(record.tenant)
            """,
            logger: logger
        )
    }

    /// Clears the idempotency key of a record.
    public func releaseIdempotencyKey(id: String) async throws {
        try await connection.query("UPDATE calls SET idempotency_key = NULL WHERE id = \(id)", logger: logger)
    }

    /// Appends an audit event.
    public func appendEvent(_ event: AuditEvent) async throws {
        try await connection.query(
            """
            INSERT INTO events (tenant, scope, tool, call_id, kind, layer, score, attempt, status, at, detail) VALUES (
            \(event.tenant), \(event.scope), \(event.tool), \(event.callID), \(event.kind.rawValue),
            \(event.layer?.rawValue), \(event.score), \(event.attempt), \(event.status?.rawValue), \(event.at.millis),
            \(event.detail))
            """,
            logger: logger
        )
    }

    /// A scope's events, oldest first.
    public func events(tenant: String, scope: String, limit: Int) async throws -> [AuditEvent] {
        var events: [AuditEvent] = []
        let rows = try await connection.query(
            """
            SELECT tool, call_id, kind, layer, score, attempt, status, at, detail FROM events
            WHERE tenant = \(tenant) AND scope = \(scope) ORDER BY seq LIMIT \(limit)
            """,
            logger: logger
        )
        for try await (tool, callID, kind, layer, score, attempt, status, at, detail) in rows.decode(
            (String, String, String, String?, Double?, Int, String?, Int64, String).self
        ) {
            events.append(
                AuditEvent(
                    tenant: tenant,
                    scope: scope,
                    tool: tool,
                    callID: callID,
                    kind: AuditEvent.Kind(rawValue: kind) ?? .claimed,
                    layer: layer.flatMap(Layer.init(rawValue:)),
                    score: score,
                    attempt: attempt,
                    status: status.flatMap(CallStatus.init(rawValue:)),
                    at: Date(millis: at),
                    detail: detail
                )
            )
        }
        return events
    }

    /// A scope's records, oldest first.
    public func history(tenant: String, scope: String, limit: Int) async throws -> [CallRecord] {
        try await records(
            """
            SELECT \(unescaped: Self.columns) FROM calls WHERE tenant = \(tenant) AND scope = \(scope)
            ORDER BY created_at, seq LIMIT \(limit)
            """
        )
    }

    /// Deletes expired records and old events.
    public func deleteExpired(nowMillis: Int64, eventsBeforeMillis: Int64, limit: Int) async throws -> (
        calls: [(PartitionKey, String)], events: Int
    ) {
        var events = 0
        let gone = try await connection.query(
            """
            WITH gone AS (
                DELETE FROM events WHERE seq IN (SELECT seq FROM events WHERE at < \(eventsBeforeMillis) ORDER BY at
                LIMIT \(limit)) RETURNING 1
            ) SELECT count(*) FROM gone
            """,
            logger: logger
        )
        for try await count in gone.decode(Int64.self) { events = Int(count) }
        var removed: [(PartitionKey, String)] = []
        let rows = try await connection.query(
            """
            DELETE FROM calls WHERE id IN (SELECT id FROM calls WHERE expires_at <= \(nowMillis) ORDER BY expires_at
            LIMIT \(limit)) RETURNING tenant, scope, tool, id
            """,
            logger: logger
        )
        for try await (tenant, scope, tool, id) in rows.decode((String, String, String, String).self) {
            removed.append((PartitionKey(tenant: tenant, scope: scope, tool: tool), id))
        }
        return (removed, events)
    }

    /// Index rows of every partition after `sequence` (start-up; replicas catch up per partition).
    public func indexRows(after sequence: Int64, nowMillis: Int64) async throws -> (
        rows: [(PartitionKey, IndexRow)], last: Int64
    ) {
        var rows: [(PartitionKey, IndexRow)] = []
        var last = sequence
        let result = try await connection.query(
            """
            SELECT seq, tenant, scope, tool, id, identity_group, embedding, expires_at FROM calls
            WHERE seq > \(sequence) ORDER BY seq
            """,
            logger: logger
        )
        for try await (seq, tenant, scope, tool, id, group, embedding, expires) in result.decode(
            (Int64, String, String, String, String, Int64, ByteBuffer?, Int64).self
        ) {
            last = max(last, seq)
            guard expires > nowMillis, let embedding, embedding.readableBytes > 0 else { continue }
            rows.append(
                (
                    PartitionKey(tenant: tenant, scope: scope, tool: tool),
                    IndexRow(
                        id: id,
                        group: UInt64(bitPattern: group),
                        vector: Self.floats(embedding),
                        expiresAtMillis: expires
                    )
                )
            )
        }
        return (rows, last)
    }

    /// Index rows of one partition after `sequence`: under the partition's advisory lock its rows commit in
    /// sequence order, so nothing committed later can carry a smaller number.
    public func indexRows(in partition: PartitionKey, after sequence: Int64, nowMillis: Int64) async throws -> (
        rows: [IndexRow], last: Int64
    ) {
        var rows: [IndexRow] = []
        var last = sequence
        let result = try await connection.query(
            """
            SELECT seq, id, identity_group, embedding, expires_at FROM calls
            WHERE tenant = \(partition.tenant) AND scope = \(partition.scope) AND tool = \(partition.tool)
            AND seq > \(sequence) ORDER BY seq
            """,
            logger: logger
        )
        for try await (seq, id, group, embedding, expires) in result.decode(
            (Int64, String, Int64, ByteBuffer?, Int64).self
        ) {
            last = max(last, seq)
            guard expires > nowMillis, let embedding, embedding.readableBytes > 0 else { continue }
            rows.append(
                IndexRow(
                    id: id,
                    group: UInt64(bitPattern: group),
                    vector: Self.floats(embedding),
                    expiresAtMillis: expires
                )
            )
        }
        return (rows, last)
    }

    private static func record(from row: PostgresRandomAccessRow) throws -> CallRecord {
        func json(_ column: Int) throws -> JSONValue? {
            guard let text = try row[column].decode(String?.self) else { return nil }
            do {
                return try JSONParser(maxDepth: 512).parse(text)
            } catch {
                throw DedupError.storage("stored JSON in column \(column) of a call is damaged: \(error)")
            }
        }
        let statusText = try row[11].decode(String.self)
        guard let status = CallStatus(rawValue: statusText) else {
            throw DedupError.storage("a call has an unknown status \(statusText)")
        }
        return CallRecord(
            id: try row[0].decode(String.self),
            tenant: try row[1].decode(String.self),
            scope: try row[2].decode(String.self),
            tool: try row[3].decode(String.self),
            arguments: try json(4) ?? .object([:]),
            canonical: try row[5].decode(String.self),
            fingerprint: try row[6].decode(String.self),
            intentKey: try row[7].decode(String?.self),
            idempotencyKey: try row[8].decode(String?.self),
            signature: FieldSignature(json: try json(9) ?? .object([:])),
            embedding: (try row[10].decode(ByteBuffer?.self)).map(floats) ?? [],
            status: status,
            result: try json(12),
            error: try row[13].decode(String?.self),
            retryable: try row[14].decode(Bool.self),
            attempts: try row[15].decode(Int.self),
            leaseExpiresAt: try row[16].decode(Int64?.self).map(Date.init(millis:)),
            createdAt: Date(millis: try row[17].decode(Int64.self)),
            updatedAt: Date(millis: try row[18].decode(Int64.self)),
            completedAt: try row[19].decode(Int64?.self).map(Date.init(millis:)),
            expiresAt: Date(millis: try row[20].decode(Int64.self))
        )
    }

    /// Float32 little-endian bytes; `nil` (SQL NULL) for a call without text.
    static func bytes(of vector: [Float]) -> ByteBuffer? {
        guard !vector.isEmpty else { return nil }
        return vector.withUnsafeBytes { ByteBuffer(bytes: $0) }
    }

    static func floats(_ buffer: ByteBuffer) -> [Float] {
        guard buffer.readableBytes % 4 == 0 else { return [] }
        return buffer.readableBytesView.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }
}
