import Foundation
import Synchronization
import Testing

@testable import DedupCore

/// The in-process line per partition, without a database.
@Suite struct PartitionQueueTests {
    /// What the turns saw, shared by the tasks of a test (a local `Mutex` cannot be captured by several).
    final class Record: Sendable {
        let entries = Mutex<[String]>([])
        let inside = Mutex(0)
    }

    /// Waits until the turn of `key` is held with `count` callers waiting behind the holder.
    private func waitFor(_ count: Int, in queue: PartitionQueue, key: UInt64) async throws {
        for _ in 0..<2000 where queue.waiting(key) != count { try await Task.sleep(for: .milliseconds(1)) }
        try #require(queue.waiting(key) == count)
    }

    @Test func turnsOfOneKeyAreTakenOneAtATimeInArrivalOrder() async throws {
        let queue = PartitionQueue()
        let record = Record()
        let (gate, open) = AsyncStream<Void>.makeStream()
        let holder = Task {
            try await queue.withTurn(7) { for await _ in gate {} }
        }
        try await waitFor(0, in: queue, key: 7)
        var waiters: [Task<Void, any Error>] = []
        for index in 0..<10 {
            waiters.append(
                Task {
                    try await queue.withTurn(7) {
                        #expect(
                            record.inside.withLock {
                                $0 += 1
                                return $0
                            } == 1
                        )
                        record.entries.withLock { $0.append("\(index)") }
                        try await Task.sleep(for: .milliseconds(1))
                        record.inside.withLock { $0 -= 1 }
                    }
                }
            )
            // Each waiter is in line before the next one arrives.
            try await waitFor(index + 1, in: queue, key: 7)
        }
        open.finish()
        try await holder.value
        for waiter in waiters { try await waiter.value }
        #expect(record.entries.withLock { $0 } == (0..<10).map { "\($0)" })
        #expect(queue.waiting(7) == nil)
    }

    @Test func anotherKeyDoesNotWait() async throws {
        let queue = PartitionQueue()
        let (gate, open) = AsyncStream<Void>.makeStream()
        let holder = Task { try await queue.withTurn(1) { for await _ in gate {} } }
        try await waitFor(0, in: queue, key: 1)
        let answer = try await queue.withTurn(2) { 42 }
        #expect(answer == 42)
        open.finish()
        try await holder.value
    }

    @Test func aCancelledWaiterLeavesTheLineAndTheNextOneGetsTheTurn() async throws {
        let queue = PartitionQueue()
        let (gate, open) = AsyncStream<Void>.makeStream()
        let holder = Task { try await queue.withTurn(3) { for await _ in gate {} } }
        try await waitFor(0, in: queue, key: 3)
        let record = Record()
        let cancelled = Task { try await queue.withTurn(3) { record.entries.withLock { $0.append("cancelled") } } }
        try await waitFor(1, in: queue, key: 3)
        let next = Task { try await queue.withTurn(3) { record.entries.withLock { $0.append("next") } } }
        try await waitFor(2, in: queue, key: 3)

        // The cancelled waiter stops waiting at once, while the holder still has the turn.
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        #expect(queue.waiting(3) == 1)
        open.finish()
        try await holder.value
        try await next.value
        #expect(record.entries.withLock { $0 } == ["next"])
        #expect(queue.waiting(3) == nil)
    }

    @Test func aTaskCancelledBeforeItQueuesDoesNotWait() async throws {
        let queue = PartitionQueue()
        let (gate, open) = AsyncStream<Void>.makeStream()
        let holder = Task { try await queue.withTurn(4) { for await _ in gate {} } }
        try await waitFor(0, in: queue, key: 4)
        let late = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await queue.withTurn(4) {}
        }
        await #expect(throws: CancellationError.self) { try await late.value }
        #expect(queue.waiting(4) == 0)
        open.finish()
        try await holder.value
        // The line is gone once the holder leaves: the next caller takes the turn at once.
        try await queue.withTurn(4) {}
    }
}
