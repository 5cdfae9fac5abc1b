import DedupCore
import DedupTesting
import Foundation
import Testing

@testable import DedupSQLite

/// What a commit group that fails as a whole leaves in the vector index.
@Suite struct SQLiteCatchUpTests {
    static let partition = PartitionKey(tenant: "acme", scope: "s", tool: "send_email")

    static func email(_ body: String, to: String = "bob@example.com") -> ToolCall {
        ToolCall(
            tenant: "acme",
            scope: "s",
            tool: "send_email",
            arguments: ["to": .string(to), "subject": "Quarterly report", "body": .string(body)]
        )
    }

    /// A claim whose catch-up runs inside a group transaction reads the rows earlier members wrote, not yet
    /// committed. When the group then fails, SQLite rolls those rows back together with the AUTOINCREMENT
    /// counter, and the next committed rows — here another process's — get the same sequence numbers. A
    /// catch-up that had recorded those numbers would never load them: the reworded retry would be `new`.
    @Test func aFailedGroupDoesNotMoveTheCatchUpPastRowsCommittedLater() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("ledger.sqlite")
        let configuration = LedgerConfiguration(window: .seconds(3600), defaultLease: .seconds(30))
        let ledger = try await SQLiteLedger.open(path: path, configuration: configuration)
        let otherProcess = try await SQLiteLedger.open(path: path, configuration: configuration)
        let store = ledger.store

        let seedID = try #require(try await ledger.claim(Self.email("The invoice for March is attached.")).callID)
        var row = try #require(try await ledger.record(tenant: "acme", callID: seedID))
        row.id = "call_uncommitted_member"
        row.fingerprint = "uncommitted"
        row.intentKey = nil

        // Member 1 writes a row of the partition and holds the group open until released.
        let (entered, enteredContinuation) = AsyncStream<Void>.makeStream()
        let (gate, gateContinuation) = AsyncStream<Void>.makeStream()
        let member1 = Task {
            try await store.withWriteTransaction { transaction in
                try transaction.insert(row)
                enteredContinuation.yield()
                for await _ in gate { break }
            }
        }
        for await _ in entered { break }
        // Member 2, a claim of the same partition, queues behind it; its catch-up will read member 1's row.
        let member2 = Task { try await ledger.claim(Self.email("Can we move the meeting to Thursday at ten?")) }
        while !store.lock.hasWaiters { try await Task.sleep(for: .milliseconds(5)) }
        // Member 3 loses the whole group's transaction, as a full disk or an I/O error would.
        let member3 = Task {
            try await store.withWriteTransaction { transaction in
                try transaction.connection.execute("ROLLBACK")
            }
        }
        try await Task.sleep(for: .milliseconds(200))
        gateContinuation.yield()
        gateContinuation.finish()
        let outcomes = (await member1.result, await member2.result, await member3.result)
        if case .success = outcomes.0 { Issue.record("member 1 must fail with its group") }
        if case .success = outcomes.1 { Issue.record("the claim must fail with its group") }
        // The row the failed group's catch-up loaded (member 1's, rolled back) went with the partition.
        #expect(ledger.index.rowCounts()[Self.partition] == nil)

        // Another process's claim now commits the rows with the numbers the group had used.
        let call = Self.email("Hi Bob, the quarterly report is attached. Let me know if you have any questions.")
        let id = try #require(try await otherProcess.claim(call).callID)
        let reworded = Self.email(
            "Hi Bob, the quarterly report is attached. Let me know if you have questions.",
            to: "Bob@Example.com"
        )
        let retry = try await ledger.check(reworded)
        #expect(retry.decision == .inProgress)
        #expect(retry.callID == id)
        #expect(retry.layer == .semantic)
    }
}
