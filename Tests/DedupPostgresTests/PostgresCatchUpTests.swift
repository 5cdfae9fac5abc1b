import DedupCore
import DedupPostgres
import DedupTesting
import Foundation
import Testing

/// The index catch-up against PostgreSQL, where sequence numbers are handed out when a row is written but
/// become visible when its transaction commits — two orders that can differ.
@Suite(.serialized) struct PostgresCatchUpTests {
    static let call = ToolCall(
        tenant: "acme",
        scope: "s",
        tool: "send_email",
        arguments: ["to": "bob@example.com", "subject": "Quarterly report", "body": "The report is attached."]
    )

    /// A completion (which holds no claim's partition lock) numbers its change, then commits late; meanwhile
    /// a claim of the partition on another replica inserts and commits a row with a higher number, and a
    /// catch-up reads that row. Read by sequence number alone, the late completion would never be seen — its
    /// number is below the one the catch-up reached — and the index would keep the record's old expiry.
    @Test(.enabled(if: PostgresTestDatabase.url != nil, "DEDUP_TEST_POSTGRES_URL is not set: PostgreSQL tests skipped"))
    func aChangeCommittedAfterAHigherNumberedOneIsStillCaughtUp() async throws {
        let clients = RunningClients()
        let url = try await PostgresTestDatabase.fresh()
        let ledger = try await DedupLedger(
            store: try await clients.store(url: url),
            embedder: HashingEmbedder.bundled()
        )
        let replica = try await clients.store(url: url)
        let partition = Self.call.partition
        let now = Date().millis

        let id = try #require(try await ledger.claim(Self.call).callID)
        let record = try #require(try await ledger.record(tenant: "acme", callID: id))
        let start = try await replica.withReadTransaction { transaction in
            try await transaction.indexRows(in: partition, after: 0, nowMillis: now).last
        }
        var completed = record
        completed.status = .succeeded
        completed.result = ["message_id": "m-1"]
        completed.leaseExpiresAt = nil
        completed.expiresAt = record.expiresAt.addingTimeInterval(3600)
        var other = record
        other.id = "call_other_replica"
        other.fingerprint = "other"
        other.intentKey = nil

        let (entered, enteredContinuation) = AsyncStream<Void>.makeStream()
        let (gate, gateContinuation) = AsyncStream<Void>.makeStream()
        let completion = Task { [store = ledger.store, completed] in
            try await store.withWriteTransaction { transaction in
                let updated = try await transaction.update(completed, ifStatus: .pending, attempts: record.attempts)
                enteredContinuation.yield()
                for await _ in gate { break }
                return updated
            }
        }
        for await _ in entered { break }
        let claim = Task { [other] in
            try await replica.withPartitionLock(partition) { transaction in try await transaction.insert(other) }
        }
        try await Task.sleep(for: .milliseconds(300))
        let early = try await replica.withReadTransaction { transaction in
            try await transaction.indexRows(in: partition, after: start, nowMillis: now)
        }
        gateContinuation.yield()
        gateContinuation.finish()
        #expect(try await completion.value)
        try await claim.value
        let late = try await replica.withReadTransaction { transaction in
            try await transaction.indexRows(in: partition, after: early.last, nowMillis: now)
        }
        let seen = Array(early.rows) + Array(late.rows)
        #expect(seen.contains { $0.id == other.id })
        #expect(
            seen.contains { $0.id == id && $0.expiresAtMillis == completed.expiresAt.millis },
            "the completion's new expiry must reach a catch-up: \(seen.map(\.id))"
        )
        await clients.shutdown()
    }

    /// The four columns the funnel ranks an uncertain hit by are the record's own, read without its JSON,
    /// and stay inside the tenant.
    @Test(.enabled(if: PostgresTestDatabase.url != nil, "DEDUP_TEST_POSTGRES_URL is not set: PostgreSQL tests skipped"))
    func theCandidateVectorIsTheRecordsOwnAndStaysInsideItsTenant() async throws {
        let clients = RunningClients()
        let url = try await PostgresTestDatabase.fresh()
        let ledger = try await DedupLedger(
            store: try await clients.store(url: url),
            embedder: HashingEmbedder.bundled()
        )
        let id = try #require(try await ledger.claim(Self.call).callID)
        let record = try #require(try await ledger.record(tenant: "acme", callID: id))
        let (vector, otherTenant, unknown) = try await ledger.store.withReadTransaction { transaction in
            (
                try await transaction.candidateVector(id: id, tenant: "acme"),
                try await transaction.candidateVector(id: id, tenant: "globex"),
                try await transaction.candidateVector(id: "call_missing", tenant: "acme")
            )
        }
        #expect(vector == CandidateVector(record))
        #expect(!(vector?.embedding.isEmpty ?? true))
        #expect(otherTenant == nil)
        #expect(unknown == nil)
        await clients.shutdown()
    }
}
