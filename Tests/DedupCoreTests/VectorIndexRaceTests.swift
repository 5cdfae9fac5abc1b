import DedupCore
import Foundation
import Synchronization
import Testing

/// Concurrent writers and pruning: no row the index acknowledged may be lost.
@Suite struct VectorIndexRaceTests {
    /// Each upsert opens a fresh identity group (a new matrix) while pruning drops matrices it finds
    /// empty. A prune between "the upsert found or made the matrix" and "the row is in it" used to drop
    /// the matrix and orphan the row: reworded retries of that call then got `new`.
    @Test(arguments: IndexKind.allCases) func rowsUpsertedWhilePruningRunsAreAllFound(kind: IndexKind) async {
        let dimension = 8
        let index = kind.make(dimension: dimension)
        let partition = PartitionKey(tenant: "t", scope: "s", tool: "x")
        let vector = [Float](repeating: 1 / Float(dimension).squareRoot(), count: dimension)
        // The slab variant searches a 1-row group among all rows of the partition; fewer rows keep the
        // debug-build check quick.
        let rows = kind == .exact ? 20_000 : 5_000
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

    /// Writers upserting, replacing and removing rows of four partitions while other tasks search, prune
    /// expired rows and evict a fifth partition over and over: afterwards every row that should be live
    /// is found, no removed or expired one is, and the counts agree with the rows.
    @Test(arguments: IndexKind.allCases) func writersSearchersPrunersAndEvictionAgree(kind: IndexKind) async {
        let dimension = 8
        let index = kind.make(dimension: dimension)
        let kept = (0..<4).map { PartitionKey(tenant: "t", scope: "kept-\($0)", tool: "x") }
        let evicted = PartitionKey(tenant: "t", scope: "evicted", tool: "x")
        let vector = [Float](repeating: 1 / Float(dimension).squareRoot(), count: dimension)
        let writers = 4
        let perWriter = 2000
        let done = StopFlag()
        let background = (0..<3)
            .map { role in
                Task.detached {
                    var rounds = 0
                    while !done.isSet {
                        switch role {
                        case 0: index.removeExpired(nowMillis: 10)
                        case 1: index.removePartitions([evicted])
                        default:
                            _ = index.search(
                                vector,
                                in: kept[rounds % kept.count],
                                group: UInt64(rounds % (writers * perWriter)),
                                limit: 3,
                                minScore: 0.5,
                                nowMillis: 10
                            )
                        }
                        rounds += 1
                        await Task.yield()
                    }
                }
            }
        let writing = (0..<writers)
            .map { writer in
                Task.detached {
                    for item in 0..<perWriter {
                        let id = "w\(writer)-\(item)"
                        let group = UInt64(writer * perWriter + item)
                        let partition = kept[item % kept.count]
                        index.upsert(
                            IndexRow(id: id, group: group, vector: vector, expiresAtMillis: .max),
                            in: partition
                        )
                        index.upsert(
                            IndexRow(id: "e-\(id)", group: group, vector: vector, expiresAtMillis: 20),
                            in: evicted
                        )
                        switch item % 3 {
                        case 0: index.remove(id: id, from: partition)
                        case 1:
                            index.upsert(
                                IndexRow(id: id, group: group, vector: vector, expiresAtMillis: 5),
                                in: partition
                            )
                        default: break
                        }
                    }
                }
            }
        for task in writing { await task.value }
        done.set()
        for task in background { await task.value }
        index.removeExpired(nowMillis: 10)
        index.removePartitions([evicted])
        var wrong: [String] = []
        var live: [PartitionKey: Int] = [:]
        for writer in 0..<writers {
            for item in 0..<perWriter {
                let partition = kept[item % kept.count]
                let group = UInt64(writer * perWriter + item)
                let hits = index.search(vector, in: partition, group: group, limit: 3, minScore: 0.5, nowMillis: 10)
                let expected = item % 3 == 2 ? ["w\(writer)-\(item)"] : []
                if hits.map(\.id) != expected { wrong.append("w\(writer)-\(item)") }
                if item % 3 == 2 { live[partition, default: 0] += 1 }
            }
        }
        #expect(wrong.isEmpty, "\(wrong.count) rows wrong, e.g. \(wrong.prefix(5))")
        #expect(index.rowCounts() == live)
        #expect(index.count == live.values.reduce(0, +))
    }
}

/// A flag the test's background tasks poll, shareable across the tasks a `map` starts.
private final class StopFlag: Sendable {
    private let flag = Atomic(false)

    var isSet: Bool { flag.load(ordering: .relaxed) }

    func set() { flag.store(true, ordering: .relaxed) }
}
