import DedupCore
import DedupTesting
import Foundation
import Testing

@testable import DedupSQLite

@Suite struct SQLiteStoreTests {
    @Test func aDatabaseFromANewerVersionIsRefused() async throws {
        let directory = try TemporaryDirectory()
        let db = directory.path("ledger.sqlite")
        // Closed first: its background checkpointer would otherwise race the raw connection below.
        await (try SQLiteStore(path: db)).close()
        try SQLiteConnection(path: db).execute("PRAGMA user_version = 99")
        do {
            _ = try SQLiteStore(path: db)
            Issue.record("a newer schema must be refused")
        } catch {
            #expect(error.isStorage)
            #expect(error.message.contains("schema version 99"))
        }
    }

    /// A process of the previous version, still running on the file when a newer one migrated it, inserts
    /// rows without a change sequence; they must still reach the newer processes' index catch-up.
    @Test func rowsInsertedWithoutAChangeSequenceAreNumbered() async throws {
        let directory = try TemporaryDirectory()
        let db = directory.path("ledger.sqlite")
        let store = try SQLiteStore(path: db)
        let partition = PartitionKey(tenant: "t", scope: "s", tool: "x")
        try await store.withWriteTransaction { transaction in
            try transaction.insert(SQLiteGroupCommitTests.record(1))
            try transaction.connection.execute(
                """
                INSERT INTO calls (id, tenant, scope, tool, arguments, canonical, fingerprint, identity_group,
                signature, status, created_at, updated_at, expires_at)
                VALUES ('call_old_version', 't', 's', 'x', '{}', 'c', 'f', 0, '{}', 'pending', 0, 0, 9999999999999)
                """
            )
        }
        let numbers = try await store.withReadTransaction { transaction in
            (
                try transaction.indexRows(in: partition, after: 0, nowMillis: 0).last,
                try transaction.indexRows(in: partition, after: 1, nowMillis: 0).last
            )
        }
        #expect(numbers == (2, 2))
        await store.close()
    }

    @Test func aFileThatIsNotADatabaseIsAClearError() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("garbage.sqlite")
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: path))
        #expect(throws: DedupError.self) { try SQLiteStore(path: path) }
    }

    @Test func openingLoadsNoIndexRowsAndAPartitionLoadsOnFirstUse() async throws {
        let directory = try TemporaryDirectory()
        let db = directory.path("ledger.sqlite")
        let writer = try await SQLiteLedger.open(path: db)
        for scope in ["a", "b", "c"] {
            for number in 0..<4 {
                let call = ToolCall(
                    tenant: "t",
                    scope: scope,
                    tool: "post_update",
                    arguments: [
                        "text": .string("Status update \(number): the nightly export for team \(scope) finished")
                    ]
                )
                #expect(try await writer.claim(call).decision == .new)
            }
        }
        await writer.store.close()

        let reader = try await SQLiteLedger.open(path: db)
        #expect(reader.index.count == 0)
        let probe = ToolCall(
            tenant: "t",
            scope: "b",
            tool: "post_update",
            arguments: ["text": "Status update 2: the nightly export for team b finished!"]
        )
        #expect(try await reader.check(probe).decision == .inProgress)
        #expect(reader.index.count == 4)
        #expect(reader.index.rowCounts() == [PartitionKey(tenant: "t", scope: "b", tool: "post_update"): 4])
    }

    @Test func reopeningKeepsRecordsAndRebuildsTheIndex() async throws {
        let directory = try TemporaryDirectory()
        let db = directory.path("ledger.sqlite")
        let call = ToolCall(
            tenant: "t",
            scope: "s",
            tool: "send_email",
            arguments: ["to": "a@x.io", "body": "Please find the signed contract attached to this message"]
        )
        let first = try await SQLiteLedger.open(path: db)
        let id = try #require(try await first.claim(call).callID)
        _ = try await first.complete(tenant: "t", callID: id, .succeeded(["ok": true]))
        await first.store.close()

        let second = try await SQLiteLedger.open(path: db)
        var reworded = call
        reworded.arguments = ["to": "A@X.io", "body": "Please find the signed contract attached to this message."]
        let verdict = try await second.claim(reworded)
        #expect(verdict.decision == .duplicate)
        #expect(verdict.match?.result == ["ok": true])
    }

    @Test func claimsFromAnotherConnectionAreSeenByTheSemanticLayer() async throws {
        let directory = try TemporaryDirectory()
        let db = directory.path("ledger.sqlite")
        let server = try await SQLiteLedger.open(path: db)
        let cli = try await SQLiteLedger.open(path: db)
        let call = ToolCall(
            tenant: "t",
            scope: "s",
            tool: "post_update",
            arguments: ["text": "The database migration finished and the service is back online"]
        )
        #expect(try await cli.claim(call).decision == .new)
        var reworded = call
        reworded.arguments = ["text": "The database migration finished, and the service is back online!"]
        let verdict = try await server.claim(reworded)
        #expect(verdict.decision == .inProgress)
        #expect(verdict.layer == .semantic)
    }
}

@Suite struct SQLiteGroupCommitTests {
    struct Planned: Error {}

    static func record(_ index: Int) -> CallRecord {
        CallRecord(
            id: "call_group\(index)",
            tenant: "t",
            scope: "s",
            tool: "x",
            arguments: ["n": .number(JSONNumber(index))],
            canonical: "x",
            fingerprint: "f\(index)",
            intentKey: nil,
            idempotencyKey: nil,
            signature: FieldSignature(),
            embedding: [],
            status: .pending,
            leaseExpiresAt: nil,
            createdAt: Date(),
            updatedAt: Date(),
            expiresAt: Date().addingTimeInterval(3600)
        )
    }

    /// Runs `count` concurrent write transactions, each calling `body` with its index; returns whether
    /// each was told it committed.
    static func writers(
        _ count: Int,
        on store: SQLiteStore,
        _ body: @escaping @Sendable (Int, SQLiteTransaction) throws -> Void
    ) async -> [Int: Bool] {
        await withTaskGroup(of: (Int, Bool).self) { group in
            for index in 0..<count {
                group.addTask {
                    do {
                        try await store.withWriteTransaction { transaction in try body(index, transaction) }
                        return (index, true)
                    } catch {
                        return (index, false)
                    }
                }
            }
            return await group.reduce(into: [Int: Bool]()) { $0[$1.0] = $1.1 }
        }
    }

    /// Concurrent writers share commits; a writer that throws loses only its own writes.
    @Test func concurrentWritersCommitTogetherAndFailAlone() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("ledger.sqlite")
        let store = try SQLiteStore(path: path)
        let outcomes = await Self.writers(200, on: store) { index, transaction in
            try transaction.insert(Self.record(index))
            if index % 7 == 0 { throw Planned() }
        }
        #expect(outcomes.count == 200)
        for (index, succeeded) in outcomes { #expect(succeeded == (index % 7 != 0)) }
        await store.close()

        let reopened = try SQLiteStore(path: path)
        try await reopened.withReadTransaction { transaction in
            for index in 0..<200 {
                let found = try transaction.record(id: "call_group\(index)", tenant: "t") != nil
                #expect(found == (index % 7 != 0), "record \(index)")
            }
        }
        #expect(try await reopened.integrityCheck() == "ok")
    }

    /// SQLite rolls a whole transaction back by itself on a full disk or an I/O error. The members of
    /// the group after that point must not write on their own, and what each member is told must match
    /// the file: told success ⇔ its row is there.
    @Test func aGroupRolledBackBySQLiteFailsEveryMemberAndWritesNothingBehindItsBack() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("ledger.sqlite")
        let store = try SQLiteStore(path: path)
        let outcomes = await Self.writers(200, on: store) { index, transaction in
            try transaction.insert(Self.record(index))
            if index % 50 == 25 {
                // What SQLite does on SQLITE_FULL or SQLITE_IOERR: the transaction is gone.
                try transaction.connection.execute("ROLLBACK")
                throw Planned()
            }
        }
        #expect(outcomes.count == 200)
        for index in stride(from: 25, to: 200, by: 50) { #expect(outcomes[index] == false) }
        await store.close()

        let reopened = try SQLiteStore(path: path)
        try await reopened.withReadTransaction { transaction in
            for index in 0..<200 {
                let found = try transaction.record(id: "call_group\(index)", tenant: "t") != nil
                #expect(found == outcomes[index], "record \(index): told \(outcomes[index] ?? false)")
            }
        }
        #expect(try await reopened.integrityCheck() == "ok")
    }

    @Test func onlyUniquenessViolationsAreConflicts() async throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteStore(path: directory.path("ledger.sqlite"))
        try await store.withWriteTransaction { transaction in try transaction.insert(Self.record(1)) }
        do {
            try await store.withWriteTransaction { transaction in try transaction.insert(Self.record(1)) }
            Issue.record("a second insert of one id must fail")
        } catch let error as DedupError {
            #expect(error.isConflict)
        }
        do {
            try await store.withWriteTransaction { transaction in
                try transaction.connection.execute("UPDATE calls SET status = 'lost' WHERE id = 'call_group1'")
            }
            Issue.record("a CHECK violation must fail")
        } catch let error as DedupError {
            #expect(!error.isConflict, "a CHECK violation is not a conflict the ledger may retry")
            #expect(error.isStorage)
        }
        await store.close()
    }
}
