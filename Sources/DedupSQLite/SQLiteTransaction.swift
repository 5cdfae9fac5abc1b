public import DedupCore
import Foundation

/// The ledger's queries on one SQLite connection, inside a transaction ``SQLiteStore`` opened.
public struct SQLiteTransaction: LedgerTransaction {
    let connection: SQLiteConnection

    private static let columns = CallRow.selectList

    /// The record with `id` owned by `tenant`.
    public func record(id: String, tenant: String) throws -> CallRecord? {
        try first("SELECT \(Self.columns) FROM calls WHERE id = ? AND tenant = ?", [.text(id), .text(tenant)])
    }

    /// The candidate columns of the record with `id`: no JSON is parsed.
    public func candidateVector(id: String, tenant: String) throws -> CandidateVector? {
        var vector: CandidateVector?
        try connection.query(
            "SELECT scope, tool, identity_group, expires_at, embedding FROM calls WHERE id = ? AND tenant = ?",
            [.text(id), .text(tenant)]
        ) { row in
            vector = CandidateVector(
                partition: PartitionKey(tenant: tenant, scope: row.text(0) ?? "", tool: row.text(1) ?? ""),
                identityGroup: UInt64(bitPattern: row.integer(2)),
                expiresAtMillis: row.integer(3),
                embedding: CallRow.floats(from: row.blob(4))
            )
        }
        return vector
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

    private static let insertSQL = """
        INSERT INTO calls (\(Self.columns), index_code, change_seq)
        VALUES (\(Array(repeating: "?", count: CallRow.columns.count + 1).joined(separator: ", ")), \(changeSequence))
        """

    /// Inserts a record; a taken idempotency key is a ``DedupError/conflict(_:)``.
    public func insert(_ record: CallRecord) throws {
        try nextChange()
        try connection.query(
            Self.insertSQL,
            CallRow.values(of: record).map(SQLiteValue.init) + [Self.indexCode(of: record)]
        )
    }

    /// The `index_code` column: the record's ``IndexCode``, which partition loads read from the covering
    /// index `calls_partition_codes` instead of the embedding; an empty blob for exact-only records (no
    /// index row). NULL marks a row written before schema version 6, loaded from its embedding.
    private static func indexCode(of record: CallRecord) -> SQLiteValue {
        .blob(IndexCode(encoding: record.embedding)?.bytes ?? [])
    }

    /// The number ``nextChange()`` handed out.
    private static let changeSequence = "(SELECT value FROM change_sequence)"

    /// Hands out the next change sequence number. One writer at a time holds the file (`BEGIN IMMEDIATE`),
    /// so numbers commit in the order they are handed out.
    private func nextChange() throws {
        try connection.query("UPDATE change_sequence SET value = value + 1")
    }

    private static let updateSQL = """
        UPDATE calls SET \(CallRow.mutableColumns.map { "\($0.name) = ?" }.joined(separator: ", ")),
        change_seq = \(changeSequence)
        WHERE id = ? AND tenant = ? AND status = ? AND attempts = ?
        """

    /// Writes the record's changeable columns if the stored row is still in the state it was read in, with
    /// a new change sequence (the window may have grown).
    public func update(_ record: CallRecord, ifStatus status: CallStatus, attempts: Int) throws -> Bool {
        try nextChange()
        try connection.query(
            Self.updateSQL,
            CallRow.mutableValues(of: record).map(SQLiteValue.init)
                + [.text(record.id), .text(record.tenant), .text(status.rawValue), .integer(Int64(attempts))]
        )
        if connection.changes == 1 { return true }
        guard try self.record(id: record.id, tenant: record.tenant) != nil else {
            throw DedupError.notFound("no call \(record.id) to update")
        }
        return false
    }

    static let liveVersionsSQL = "SELECT DISTINCT tool, key_version, model_id FROM calls WHERE expires_at > ?"

    /// The distinct versions of live records (an index scan of `calls_versions`).
    public func liveVersions(nowMillis: Int64) throws -> [RecordVersion] {
        var versions: [RecordVersion] = []
        try connection.query(
            Self.liveVersionsSQL,
            [.integer(nowMillis)]
        ) { row in
            versions.append(
                RecordVersion(tool: row.text(0) ?? "", keyVersion: row.text(1) ?? "", modelID: row.text(2) ?? "")
            )
        }
        return versions
    }

    /// Live records of one version.
    public func records(with version: RecordVersion, nowMillis: Int64, limit: Int) throws -> [CallRecord] {
        var records: [CallRecord] = []
        try connection.query(
            """
            SELECT \(Self.columns) FROM calls WHERE tool = ? AND key_version = ? AND model_id = ? AND expires_at > ?
            ORDER BY seq LIMIT ?
            """,
            [
                .text(version.tool), .text(version.keyVersion), .text(version.modelID), .integer(nowMillis),
                .integer(Int64(limit)),
            ]
        ) { (row) throws(DedupError) in records.append(try Self.record(from: row)) }
        return records
    }

    /// Rewrites a record's derived keys.
    public func rekey(_ record: CallRecord) throws {
        try connection.query(
            """
            UPDATE calls SET \(CallRow.keyColumns.map { "\($0.name) = ?" }.joined(separator: ", ")), index_code = ?
            WHERE id = ? AND tenant = ?
            """,
            CallRow.keyValues(of: record).map(SQLiteValue.init)
                + [Self.indexCode(of: record), .text(record.id), .text(record.tenant)]
        )
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

    static let indexRowsSQL = """
        SELECT change_seq, id, identity_group, expires_at, index_code, seq FROM calls
        WHERE tenant = ? AND scope = ? AND tool = ? AND change_seq > ? ORDER BY change_seq
        """

    /// Index rows of one partition changed after `sequence`, read from the covering index
    /// `calls_partition_codes` (change sequence, id, group, expiry and ``IndexCode``): about 370 bytes a row
    /// in index order, where the embeddings (0.5 KiB as halves, 1 KiB before) are scattered over the table.
    /// Rows written before schema version 6 have no code; their embeddings are read by row, after.
    public func indexRows(in partition: PartitionKey, after sequence: Int64, nowMillis: Int64) throws -> (
        rows: IndexRowBatch, last: Int64
    ) {
        var rows = IndexRowBatch()
        var uncoded: [(seq: Int64, id: String, group: UInt64, expires: Int64)] = []
        var last = sequence
        try connection.query(
            Self.indexRowsSQL,
            [.text(partition.tenant), .text(partition.scope), .text(partition.tool), .integer(sequence)]
        ) { row in
            last = max(last, row.integer(0))
            let expires = row.integer(3)
            guard expires > nowMillis else { return }
            let group = UInt64(bitPattern: row.integer(2))
            if !row.isNull(4) {
                // The code goes from SQLite's buffer into the batch's columns; an empty code is an
                // exact-only record (no index row), one this build cannot read loads from the embedding.
                let loaded = row.withBlob(4) { code in
                    code.isEmpty
                        || row.withText(1) { id in
                            rows.append(id: id, group: group, expiresAtMillis: expires, code: code)
                        }
                }
                if loaded { return }
            }
            uncoded.append((row.integer(5), row.text(1) ?? "", group, expires))
        }
        for row in uncoded {
            try connection.query("SELECT embedding FROM calls WHERE seq = ?", [.integer(row.seq)]) { stored in
                let vector = CallRow.floats(from: stored.blob(0))
                guard !vector.isEmpty else { return }
                rows.append(IndexRow(id: row.id, group: row.group, vector: vector, expiresAtMillis: row.expires))
            }
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

    private static func record(from row: SQLiteRow) throws(DedupError) -> CallRecord {
        try CallRow.record(from: CallRow.columns.indices.map { row.value(Int32($0), as: CallRow.columns[$0].kind) })
    }

}

extension SQLiteValue {
    /// The binding of a codec value; SQLite keeps booleans as 0 / 1.
    init(_ value: ColumnValue) {
        switch value {
        case .null: self = .null
        case .integer(let integer): self = .integer(integer)
        case .text(let text): self = .text(text)
        case .blob(let bytes): self = .blob(bytes)
        case .bool(let bool): self = .integer(bool ? 1 : 0)
        }
    }
}

extension SQLiteRow {
    /// The column as a codec value of `kind` (SQL NULL as ``ColumnValue/null``).
    func value(_ column: Int32, as kind: CallRow.Kind) -> ColumnValue {
        guard !isNull(column) else { return .null }
        switch kind {
        case .text: return text(column).map(ColumnValue.text) ?? .null
        case .integer: return .integer(integer(column))
        case .blob: return .blob(blob(column))
        case .bool: return .bool(integer(column) != 0)
        }
    }
}
