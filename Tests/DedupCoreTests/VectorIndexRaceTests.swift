import DedupCore
import Foundation
import Synchronization
import Testing

/// Concurrent writers and pruning: no row the index acknowledged may be lost.
@Suite struct VectorIndexRaceTests {
    /// Each upsert opens a fresh identity group (a new matrix) while pruning drops matrices it finds
    /// empty. A prune between "the upsert found or made the matrix" and "the row is in it" used to drop
    /// the matrix and orphan the row: reworded retries of that call then got `new`.
    @Test func rowsUpsertedWhilePruningRunsAreAllFound() async {
        let dimension = 8
        let index = BLASVectorIndex(dimension: dimension)
        let partition = PartitionKey(tenant: "t", scope: "s", tool: "x")
        let vector = [Float](repeating: 1 / Float(dimension).squareRoot(), count: dimension)
        let rows = 20_000
        let done = Atomic(false)
        async let pruning: Void =
            Task.detached {
                while !done.load(ordering: .relaxed) {
                    index.removeExpired(nowMillis: 1)
                    // Leave the cooperative pool to the other tests running alongside.
                    await Task.yield()
                }
            }
            .value
        await Task.detached {
            for row in 0..<rows {
                index.upsert(
                    IndexRow(id: "call_\(row)", group: UInt64(row), vector: vector, expiresAtMillis: .max),
                    in: partition
                )
            }
        }
        .value
        done.store(true, ordering: .relaxed)
        await pruning
        let lost = (0..<rows)
            .filter { row in
                index.search(vector, in: partition, group: UInt64(row), limit: 1, minScore: 0.5, nowMillis: 2).isEmpty
            }
        #expect(lost.isEmpty, "\(lost.count) of \(rows) acknowledged rows orphaned, e.g. \(lost.prefix(5))")
        #expect(index.count == rows)
    }
}
