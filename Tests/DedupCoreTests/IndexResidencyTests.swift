import Testing

@testable import DedupCore

/// The index's memory budget: least recently used partitions go first, partitions in use never.
@Suite struct IndexResidencyTests {
    let dimension = 4

    func partition(_ name: String) -> PartitionKey { PartitionKey(tenant: "t", scope: name, tool: "x") }

    func load(_ index: SlabVectorIndex, _ residency: IndexResidency, _ name: String, rows: Int) {
        residency.begin(partition(name))
        for row in 0..<rows {
            index.upsert(
                IndexRow(id: "\(name)-\(row)", group: 0, vector: [1, 0, 0, 0], expiresAtMillis: .max),
                in: partition(name)
            )
        }
        residency.caughtUp(partition(name), through: Int64(rows))
    }

    @Test func theLeastRecentlyUsedPartitionsAreDroppedPastTheBudget() {
        let index = SlabVectorIndex(dimension: dimension)
        // Room for 10 rows; each partition below holds 4.
        let residency = IndexResidency(
            index: index,
            budgetBytes: 10 * index.bytesPerRow,
            bytesPerRow: index.bytesPerRow
        )
        for name in ["a", "b"] {
            load(index, residency, name, rows: 4)
            #expect(residency.end(partition(name)) == 0)
        }
        // "a" used again, so "b" is now the least recently used.
        residency.begin(partition("a"))
        residency.end(partition("a"))
        load(index, residency, "c", rows: 4)
        #expect(residency.end(partition("c")) == 1)
        #expect(Set(index.rowCounts().keys) == [partition("a"), partition("c")])
        #expect(residency.sequence(of: partition("b")) == 0)
        #expect(residency.sequence(of: partition("a")) == 4)
        #expect(residency.evictions == 1)
    }

    @Test func aPartitionInUseIsNeverDropped() {
        let index = SlabVectorIndex(dimension: dimension)
        let residency = IndexResidency(index: index, budgetBytes: 0, bytesPerRow: index.bytesPerRow)
        load(index, residency, "busy", rows: 3)
        load(index, residency, "done", rows: 3)
        // "busy" is still between its catch-up and its verdict.
        #expect(residency.end(partition("done")) == 1)
        #expect(index.rowCounts() == [partition("busy"): 3])
        #expect(residency.end(partition("busy")) == 1)
        #expect(index.count == 0)
    }

    /// A failed write transaction may have loaded rows that were rolled back: its partition goes as soon as
    /// the last check or claim using it ends — not under one still searching it.
    @Test func aStalePartitionIsDroppedWhenItsLastUserEnds() {
        let index = SlabVectorIndex(dimension: dimension)
        let residency = IndexResidency(index: index, budgetBytes: 1 << 20, bytesPerRow: index.bytesPerRow)
        load(index, residency, "failed", rows: 3)
        residency.begin(partition("failed"))
        residency.invalidate(partition("failed"))
        #expect(residency.end(partition("failed")) == 0)
        #expect(index.count == 3)
        #expect(residency.end(partition("failed")) == 1)
        #expect(index.count == 0)
        #expect(residency.sequence(of: partition("failed")) == 0)
        // Loaded again from scratch, it is an ordinary partition.
        load(index, residency, "failed", rows: 2)
        #expect(residency.end(partition("failed")) == 0)
        #expect(index.count == 2)
    }

    @Test func writesFromOutsideACheckOnlyReachLoadedPartitions() {
        let index = SlabVectorIndex(dimension: dimension)
        let residency = IndexResidency(index: index, budgetBytes: 1 << 20, bytesPerRow: index.bytesPerRow)
        var wrote = false
        residency.ifLoaded(partition("never")) { wrote = true }
        #expect(!wrote)
        load(index, residency, "open", rows: 1)
        residency.end(partition("open"))
        residency.ifLoaded(partition("open")) { wrote = true }
        #expect(wrote)
    }
}
