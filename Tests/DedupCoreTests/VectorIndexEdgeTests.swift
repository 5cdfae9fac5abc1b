import DedupCore
import Dispatch
import Testing

/// Races between the index's writers and its pruner, found by reading the code (issue 13, item 4).
@Suite struct VectorIndexEdgeTests {
    /// An upsert that meets a prune emptying the same matrix must not land in a matrix the prune
    /// has just dropped: the row would be counted but never found, and reworded retries would get `new`.
    /// Each of the many partitions is a separate chance to hit the window, so one run meets it often.
    @Test(arguments: IndexKind.allCases) func anUpsertRacingAPruneOfItsMatrixStaysSearchable(kind: IndexKind) {
        let partitions = (0..<3000).map { PartitionKey(tenant: "t", scope: "s\($0)", tool: "x") }
        var orphaned = 0
        for _ in 0..<10 {
            let index = kind.make(dimension: 2)
            for partition in partitions {
                index.upsert(
                    IndexRow(id: "old-\(partition.scope)", group: 0, vector: [1, 0], expiresAtMillis: 1),
                    in: partition
                )
            }
            DispatchQueue.concurrentPerform(iterations: 2) { worker in
                if worker == 0 {
                    index.removeExpired(nowMillis: 10)
                } else {
                    for partition in partitions.reversed() {
                        index.upsert(
                            IndexRow(id: "new-\(partition.scope)", group: 0, vector: [0, 1], expiresAtMillis: 1000),
                            in: partition
                        )
                    }
                }
            }
            for partition in partitions {
                let hits = index.search([0, 1], in: partition, group: 0, limit: 1, minScore: 0.5, nowMillis: 10)
                if hits.first?.id != "new-\(partition.scope)" { orphaned += 1 }
            }
            #expect(index.count == partitions.count)
        }
        #expect(orphaned == 0)
    }

    /// A row replaced with an earlier expiry must still be pruned, and one replaced with a later expiry
    /// kept: the pruner skips matrices whose earliest expiry lies in the future.
    @Test(arguments: IndexKind.allCases) func pruningFollowsExpiriesChangedByReplacement(kind: IndexKind) {
        let partition = PartitionKey(tenant: "t", scope: "s", tool: "x")
        let index = kind.make(dimension: 2)
        index.upsert(IndexRow(id: "a", group: 0, vector: [1, 0], expiresAtMillis: 100), in: partition)
        index.upsert(IndexRow(id: "b", group: 1, vector: [1, 0], expiresAtMillis: 5), in: partition)
        #expect(index.removeExpired(nowMillis: 10) == 1)
        index.upsert(IndexRow(id: "a", group: 0, vector: [1, 0], expiresAtMillis: 8), in: partition)
        #expect(index.removeExpired(nowMillis: 10) == 1)
        #expect(index.count == 0)
        index.upsert(IndexRow(id: "c", group: 0, vector: [1, 0], expiresAtMillis: 5), in: partition)
        index.upsert(IndexRow(id: "c", group: 0, vector: [1, 0], expiresAtMillis: 50), in: partition)
        #expect(index.removeExpired(nowMillis: 10) == 0)
        #expect(index.search([1, 0], in: partition, group: 0, limit: 1, minScore: 0.5, nowMillis: 10).first?.id == "c")
        #expect(index.removeExpired(nowMillis: 60) == 1)
    }
}
