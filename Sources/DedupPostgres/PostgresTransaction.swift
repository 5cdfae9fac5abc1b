public import DedupCore
import Foundation
import Logging
import NIOCore
import PostgresNIO

/// The ledger's queries on one PostgreSQL connection, inside a transaction ``PostgresStore`` opened.
public struct PostgresTransaction: LedgerTransaction {
    let connection: PostgresConnection
    let logger: Logger

    private static let columns = CallRow.selectList

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

    /// The candidate columns of the record with `id`: no JSON is decoded.
    public func candidateVector(id: String, tenant: String) async throws -> CandidateVector? {
        let result = try await connection.query(
            """
            SELECT scope, tool, identity_group, expires_at, embedding FROM calls
            WHERE id = \(id) AND tenant = \(tenant)
            """,
            logger: logger
        )
        var vector: CandidateVector?
        for try await (scope, tool, group, expires, embedding) in result.decode(
            (String, String, Int64, Int64, ByteBuffer?).self
        ) {
            vector = CandidateVector(
                partition: PartitionKey(tenant: tenant, scope: scope, tool: tool),
                identityGroup: UInt64(bitPattern: group),
                expiresAtMillis: expires,
                embedding: embedding.map(Self.floats) ?? []
            )
        }
        return vector
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
        let placeholders = CallRow.columns.indices.map { "$\($0 + 1)" }.joined(separator: ", ")
        let query = PostgresQuery(
            unsafeSQL:
                "INSERT INTO calls (\(Self.columns)) VALUES (\(placeholders)) ON CONFLICT DO NOTHING RETURNING seq",
            binds: Self.bindings(CallRow.values(of: record))
        )
        guard try await rowCount(query) == 1 else {
            throw DedupError.conflict("call \(record.id) or its idempotency key is already recorded")
        }
    }

    private static let updateSQL: String = {
        let assignments = CallRow.mutableColumns.enumerated().map { "\($1.name) = $\($0 + 1)" }
        let next = CallRow.mutableColumns.count
        return """
            UPDATE calls SET \(assignments.joined(separator: ", ")), change_seq = nextval('calls_change_seq')
            WHERE id = $\(next + 1) AND tenant = $\(next + 2) AND status = $\(next + 3) AND attempts = $\(next + 4)
            RETURNING seq
            """
    }()

    /// Writes the record's changeable columns if the stored row is still in the state it was read in, with
    /// a new change sequence (the window may have grown).
    ///
    /// Under READ COMMITTED a racing writer's `UPDATE` waits for the first one's row lock, then re-checks
    /// the `WHERE` on the committed row: the status and attempt no longer match, and no row comes back.
    ///
    /// The number comes from `nextval` when the row is written but shows when the transaction commits, and
    /// a completion runs outside any claim: numbered while a claim of the partition inserts a higher one
    /// and commits first, a catch-up reading that claim's row would move past the completion for good. So
    /// the update first takes the partition's advisory lock, as claims do (a claim's own takeover holds it
    /// already; the lock is re-entrant), and the partition's numbers commit in the order they are drawn.
    public func update(_ record: CallRecord, ifStatus status: CallStatus, attempts: Int) async throws -> Bool {
        _ =
            try await connection.query(
                "SELECT pg_advisory_xact_lock(\(Int64(bitPattern: record.partition.stableHash)))",
                logger: logger
            )
            .collect()
        let query = PostgresQuery(
            unsafeSQL: Self.updateSQL,
            binds: Self.bindings(
                CallRow.mutableValues(of: record) + [
                    .text(record.id), .text(record.tenant), .text(status.rawValue), .integer(Int64(attempts)),
                ]
            )
        )
        if try await rowCount(query) == 1 { return true }
        guard try await self.record(id: record.id, tenant: record.tenant) != nil else {
            throw DedupError.notFound("no call \(record.id) to update")
        }
        return false
    }

    private func rowCount(_ query: PostgresQuery) async throws -> Int {
        var count = 0
        for try await _ in try await connection.query(query, logger: logger) { count += 1 }
        return count
    }

    /// Binds codec values; `attempts` is an INTEGER column, so integers that fit go as INT8 all the same
    /// (PostgreSQL casts an INT8 parameter assigned to an INTEGER column).
    private static func bindings(_ values: [ColumnValue]) -> PostgresBindings {
        var bindings = PostgresBindings(capacity: values.count)
        for value in values {
            switch value {
            case .null: bindings.appendNull()
            case .integer(let integer): bindings.append(integer)
            case .text(let text): bindings.append(text)
            case .blob(let bytes): bindings.append(ByteBuffer(bytes: bytes))
            case .bool(let bool): bindings.append(bool)
            }
        }
        return bindings
    }

    /// The distinct versions of live records.
    public func liveVersions(nowMillis: Int64) async throws -> [RecordVersion] {
        var versions: [RecordVersion] = []
        let rows = try await connection.query(
            "SELECT DISTINCT tool, key_version, model_id FROM calls WHERE expires_at > \(nowMillis)",
            logger: logger
        )
        for try await (tool, keyVersion, modelID) in rows.decode((String, String, String).self) {
            versions.append(RecordVersion(tool: tool, keyVersion: keyVersion, modelID: modelID))
        }
        return versions
    }

    /// Live records of one version.
    public func records(with version: RecordVersion, nowMillis: Int64, limit: Int) async throws -> [CallRecord] {
        try await records(
            """
            SELECT \(unescaped: Self.columns) FROM calls WHERE tool = \(version.tool)
            AND key_version = \(version.keyVersion) AND model_id = \(version.modelID) AND expires_at > \(nowMillis)
            ORDER BY seq LIMIT \(limit)
            """
        )
    }

    /// Rewrites a record's derived keys.
    public func rekey(_ record: CallRecord) async throws {
        let assignments = CallRow.keyColumns.enumerated().map { "\($1.name) = $\($0 + 1)" }
        let next = CallRow.keyColumns.count
        let query = PostgresQuery(
            unsafeSQL: """
                UPDATE calls SET \(assignments.joined(separator: ", ")) WHERE id = $\(next + 1) AND tenant = $\(next + 2)
                """,
            binds: Self.bindings(CallRow.keyValues(of: record) + [.text(record.id), .text(record.tenant)])
        )
        try await connection.query(query, logger: logger)
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

    /// Index rows of one partition changed after `sequence`.
    ///
    /// Numbers are drawn when a row is written and seen when its transaction commits, two orders that could
    /// differ; within a partition they do not, because every write that draws one — a claim's insert or
    /// takeover, a completion — holds the partition's advisory lock from before it draws the number until it
    /// commits. A row committed later therefore never carries a smaller number than one a catch-up saw.
    public func indexRows(in partition: PartitionKey, after sequence: Int64, nowMillis: Int64) async throws -> (
        rows: IndexRowBatch, last: Int64
    ) {
        var rows = IndexRowBatch()
        var last = sequence
        let result = try await connection.query(
            """
            SELECT change_seq, id, identity_group, embedding, expires_at FROM calls
            WHERE tenant = \(partition.tenant) AND scope = \(partition.scope) AND tool = \(partition.tool)
            AND change_seq > \(sequence) ORDER BY change_seq
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
        var values: [ColumnValue] = []
        values.reserveCapacity(CallRow.columns.count)
        for (position, column) in CallRow.columns.enumerated() {
            let cell = row[position]
            switch column.kind {
            case .text: values.append(try cell.decode(String?.self).map(ColumnValue.text) ?? .null)
            case .integer: values.append(try cell.decode(Int64?.self).map(ColumnValue.integer) ?? .null)
            case .blob:
                let buffer = try cell.decode(ByteBuffer?.self)
                values.append(buffer.map { .blob(Array($0.readableBytesView)) } ?? .null)
            case .bool: values.append(try cell.decode(Bool?.self).map(ColumnValue.bool) ?? .null)
            }
        }
        return try CallRow.record(from: values)
    }

    static func floats(_ buffer: ByteBuffer) -> [Float] {
        CallRow.floats(from: Array(buffer.readableBytesView))
    }
}
