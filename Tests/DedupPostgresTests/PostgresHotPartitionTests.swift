import DedupCore
import DedupPostgres
import Foundation
import Testing

/// A partition whose claims pile up must not take the pool from the others; waits end by the lock timeout
/// or by cancellation.
@Suite(.serialized) struct PostgresHotPartitionTests {
    static let hot = PartitionKey(tenant: "acme", scope: "hot", tool: "charge_card")
    static let cold = PartitionKey(tenant: "acme", scope: "cold", tool: "charge_card")

    /// Runs `test` with fresh stores, shutting their pools down however it ends.
    private func withClients(_ test: (RunningClients, String) async throws -> Void) async throws {
        let clients = RunningClients()
        do {
            try await test(clients, try await PostgresTestDatabase.fresh())
        } catch {
            await clients.shutdown()
            throw error
        }
        await clients.shutdown()
    }

    /// Holds `partition`'s lock through `store` for `duration`; returns once the lock is taken.
    private func hold(_ partition: PartitionKey, _ store: PostgresStore, for duration: Duration) async throws
        -> Task<Void, any Error>
    {
        let (taken, signal) = AsyncStream<Void>.makeStream()
        let holder = Task {
            try await store.withPartitionLock(partition) { _ in
                signal.yield()
                try await Task.sleep(for: duration)
            }
        }
        for await _ in taken { break }
        return holder
    }

    /// Before the line per partition, the 40 waiting claims took all 16 pooled connections and the cold
    /// partition's claim waited for the hot one's holder (3 s).
    @Test(.enabled(if: PostgresTestDatabase.url != nil, "DEDUP_TEST_POSTGRES_URL is not set: PostgreSQL tests skipped"))
    func waitingClaimsOfAHotPartitionLeaveTheOthersTheirConnections() async throws {
        try await withClients { clients, url in
            let store = try await clients.store(url: url, lockTimeout: .seconds(10))
            let holder = try await hold(Self.hot, store, for: .seconds(3))
            let waiters = (0..<40).map { _ in Task { try await store.withPartitionLock(Self.hot) { _ in } } }
            try await Task.sleep(for: .milliseconds(300))

            let start = ContinuousClock.now
            try await store.withPartitionLock(Self.cold) { _ in }
            try await store.withWriteTransaction { _ in }
            let elapsed = ContinuousClock.now - start
            #expect(elapsed < .milliseconds(1500), "the cold partition waited \(elapsed)")

            // A waiting claim that is cancelled (its request's deadline passed) leaves at once.
            let cancelled = Task { try await store.withPartitionLock(Self.hot) { _ in } }
            try await Task.sleep(for: .milliseconds(100))
            let cancelledAt = ContinuousClock.now
            cancelled.cancel()
            await #expect(throws: CancellationError.self) { try await cancelled.value }
            #expect(ContinuousClock.now - cancelledAt < .milliseconds(500))

            try await holder.value
            for waiter in waiters { try await waiter.value }
        }
    }

    @Test(.enabled(if: PostgresTestDatabase.url != nil, "DEDUP_TEST_POSTGRES_URL is not set: PostgreSQL tests skipped"))
    func aClaimWaitingOnAnotherReplicaEndsAtTheLockTimeoutWithA503() async throws {
        try await withClients { clients, url in
            let first = try await clients.store(url: url)
            let second = try await clients.store(url: url, lockTimeout: .milliseconds(300))
            let holder = try await hold(Self.hot, first, for: .seconds(3))

            let start = ContinuousClock.now
            let error = await #expect(throws: DedupError.self) { try await second.withPartitionLock(Self.hot) { _ in } }
            let elapsed = ContinuousClock.now - start
            #expect(error?.isUnavailable == true, "\(String(describing: error))")
            #expect(elapsed >= .milliseconds(300) && elapsed < .seconds(2), "the wait ended after \(elapsed)")
            // The other partitions are not affected, and the hot one is usable once its holder is done.
            try await second.withPartitionLock(Self.cold) { _ in }
            try await holder.value
            try await second.withPartitionLock(Self.hot) { _ in }
        }
    }
}
