import DedupCore
import DedupTesting
import Foundation
import Testing

@testable import DedupSQLite

/// Partitions load from the stored index codes (schema version 6): the covering index, not the table's
/// embeddings, and rows written before version 6 still load, from their embeddings.
@Suite struct SQLiteIndexCodeTests {
    static let partition = PartitionKey(tenant: "t", scope: "s", tool: "send_email")

    static func email(_ body: String) -> ToolCall {
        ToolCall(
            tenant: "t",
            scope: "s",
            tool: "send_email",
            arguments: ["to": "bob@example.com", "subject": "Quarterly report", "body": .string(body)]
        )
    }

    static let body = "Hi Bob, the quarterly report is attached. Let me know if you have any questions."

    @Test func aClaimStoresTheCodeOfItsEmbeddingAndTheLoadReadsOnlyTheCode() async throws {
        let directory = try TemporaryDirectory()
        let ledger = try await SQLiteLedger.open(path: directory.path("ledger.sqlite"))
        let id = try #require(try await ledger.claim(Self.email(Self.body)).callID)
        let record = try #require(try await ledger.record(tenant: "t", callID: id))
        let rows = try await ledger.store.withReadTransaction { transaction in
            try transaction.indexRows(in: Self.partition, after: 0, nowMillis: 0).rows
        }
        #expect(rows.count == 1)
        #expect(rows.first?.id == id)
        #expect(rows.first?.code == IndexCode(encoding: record.embedding))
        #expect(rows.first?.vector == [])
        #expect(rows.first?.group == record.signature.identityGroup)
        #expect(rows.first?.expiresAtMillis == record.expiresAt.millis)
    }

    /// The four columns the funnel ranks an uncertain hit by are the record's own, read without its JSON,
    /// and like every lookup they stay inside the tenant.
    @Test func theCandidateVectorIsTheRecordsOwnAndStaysInsideItsTenant() async throws {
        let directory = try TemporaryDirectory()
        let ledger = try await SQLiteLedger.open(path: directory.path("ledger.sqlite"))
        let id = try #require(try await ledger.claim(Self.email(Self.body)).callID)
        let record = try #require(try await ledger.record(tenant: "t", callID: id))
        let (vector, otherTenant, unknown) = try await ledger.store.withReadTransaction { transaction in
            (
                try transaction.candidateVector(id: id, tenant: "t"),
                try transaction.candidateVector(id: id, tenant: "u"),
                try transaction.candidateVector(id: "call_missing", tenant: "t")
            )
        }
        #expect(vector == CandidateVector(record))
        #expect(vector?.partition == Self.partition)
        #expect(vector?.embedding.count == record.embedding.count)
        #expect(!(vector?.embedding.isEmpty ?? true))
        #expect(otherTenant == nil)
        #expect(unknown == nil)
    }

    /// A row with no code (written by a process of schema version 5 or earlier) loads from its embedding,
    /// and a reworded retry of it is still found after a restart; an exact-only record is no index row.
    @Test func rowsWithoutACodeLoadFromTheirEmbedding() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("ledger.sqlite")
        let first = try await SQLiteLedger.open(path: path)
        // An hour's lease: the retry must find the call in progress however long a loaded machine takes.
        let id = try #require(try await first.claim(Self.email(Self.body), lease: .seconds(3600)).callID)
        let record = try #require(try await first.record(tenant: "t", callID: id))
        try await first.store.withWriteTransaction { transaction in
            try transaction.connection.execute("UPDATE calls SET index_code = NULL")
            var exactOnly = record
            exactOnly.id = "call_exact_only"
            exactOnly.fingerprint = "other"
            exactOnly.intentKey = nil
            exactOnly.embedding = []
            try transaction.insert(exactOnly)
        }
        let rows = try await first.store.withReadTransaction { transaction in
            try transaction.indexRows(in: Self.partition, after: 0, nowMillis: 0).rows
        }
        #expect(rows.map(\.id) == [id])
        #expect(rows.first?.code == nil)
        #expect(rows.first?.vector == record.embedding)
        await first.store.close()

        let restarted = try await SQLiteLedger.open(path: path)
        let retry = try await restarted.check(
            Self.email("Hi Bob, the quarterly report is attached. Let me know if you have questions.")
        )
        #expect(retry.decision == .inProgress)
        #expect(retry.callID == id)
        #expect(retry.layer == .semantic)
    }

    /// Version 6 on a file of version 5: existing rows keep a NULL code (loaded from embeddings), rows
    /// without an embedding get the empty one, and the load still finds them.
    @Test func migratingAVersion5FileKeepsItsRowsLoadable() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("ledger.sqlite")
        let connection = try SQLiteConnection(path: path)
        for migration in SQLiteSchema.migrations.prefix(5) { try connection.execute(migration) }
        try connection.execute("PRAGMA user_version = 5")
        // As version 5 wrote embeddings: bare little-endian Float32 values.
        let embedding = [Float](repeating: 0.0625, count: 256).withUnsafeBytes { Array($0) }
        try connection.query(
            """
            INSERT INTO calls (id, tenant, scope, tool, arguments, canonical, fingerprint, identity_group,
            signature, embedding, status, created_at, updated_at, expires_at)
            VALUES (?, 't', 's', 'send_email', '{}', 'c', ?, 0, '{}', ?, 'pending', 0, 0, 9999999999999)
            """,
            [.text("call_v5_semantic"), .text("f1"), .blob(embedding)]
        )
        try connection.query(
            """
            INSERT INTO calls (id, tenant, scope, tool, arguments, canonical, fingerprint, identity_group,
            signature, status, created_at, updated_at, expires_at)
            VALUES ('call_v5_exact', 't', 's', 'send_email', '{}', 'c', 'f2', 0, '{}', 'pending', 0, 0, 9999999999999)
            """
        )
        let store = try SQLiteStore(path: path)
        let (rows, codes) = try await store.withReadTransaction { transaction in
            var codes: [String: Bool] = [:]
            try transaction.connection.query("SELECT id, index_code IS NULL FROM calls") { row in
                codes[row.text(0) ?? ""] = row.integer(1) == 1
            }
            return (try transaction.indexRows(in: Self.partition, after: 0, nowMillis: 0).rows, codes)
        }
        #expect(codes == ["call_v5_semantic": true, "call_v5_exact": false])
        #expect(rows.map(\.id) == ["call_v5_semantic"])
        #expect(rows.first?.vector == [Float](repeating: 0.0625, count: 256))
        await store.close()
    }

    /// The two open-time reads that touch every live row go by index only: a partition load by the
    /// covering index of codes, the version check by the versions index.
    @Test func partitionLoadsAndTheVersionCheckReadIndexesOnly() async throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteStore(path: directory.path("ledger.sqlite"))
        let plans = try await store.withReadTransaction { transaction in
            func plan(_ sql: String) throws -> String {
                var details: [String] = []
                try transaction.connection.query("EXPLAIN QUERY PLAN " + sql) { row in
                    details.append(row.text(3) ?? "")
                }
                return details.joined(separator: "; ")
            }
            return (try plan(SQLiteTransaction.indexRowsSQL), try plan(SQLiteTransaction.liveVersionsSQL))
        }
        #expect(plans.0.contains("COVERING INDEX calls_partition_codes"), "\(plans.0)")
        #expect(plans.1.contains("COVERING INDEX calls_versions"), "\(plans.1)")
        await store.close()
    }
}
