import Testing

@testable import DedupCore

/// A store's rows travel as an ``IndexRowBatch``: the slab that adopts its columns is the slab built row by
/// row, and rows that have no usable code keep their vectors.
@Suite struct IndexRowBatchTests {
    let partition = PartitionKey(tenant: "t", scope: "s", tool: "x")

    func unit(_ generator: inout SeededGenerator, dimension: Int = 256) -> [Float] {
        let raw = (0..<dimension).map { _ in Float.random(in: -1...1, using: &generator) }
        let norm = raw.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return raw.map { $0 / norm }
    }

    func rows(_ count: Int, seed: UInt64) -> [IndexRow] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count)
            .map { index in
                IndexRow(
                    id: "call_\(seed)_\(index)",
                    group: UInt64(index % 3),
                    vector: unit(&generator),
                    expiresAtMillis: 1000 + Int64(index)
                )
            }
    }

    func coded(_ rows: [IndexRow]) -> [IndexRow] {
        rows.map { row in
            IndexRow(
                id: row.id,
                group: row.group,
                vector: [],
                expiresAtMillis: row.expiresAtMillis,
                code: IndexCode(encoding: row.vector)
            )
        }
    }

    /// How a store appends: the id and the stored code as bytes.
    func storeBatch(_ rows: [IndexRow]) -> IndexRowBatch {
        var batch = IndexRowBatch()
        for row in coded(rows) {
            var id = row.id
            let appended = id.withUTF8 { id in
                row.code!.bytes
                    .withUnsafeBytes { code in
                        batch.append(id: id, group: row.group, expiresAtMillis: row.expiresAtMillis, code: code)
                    }
            }
            #expect(appended)
        }
        return batch
    }

    func searches(_ index: SlabVectorIndex, _ rows: [IndexRow]) -> [[IndexHit]] {
        stride(from: 0, to: rows.count, by: 37)
            .map { probe in
                index.search(
                    rows[probe].vector,
                    in: partition,
                    group: rows[probe].group,
                    limit: 8,
                    minScore: 0,
                    nowMillis: 0
                )
            }
    }

    @Test func aBatchHoldsTheRowsItWasGivenAndRebuildsThem() {
        let original = coded(rows(50, seed: 1))
        let batch = storeBatch(rows(50, seed: 1))
        #expect(batch.columnCount == 50)
        #expect(batch.dimension == 256)
        #expect(Array(batch) == original)
        #expect(Array(IndexRowBatch(original)) == original)
    }

    @Test func bytesThatAreNotACodeAreRefusedAndRowsWithVectorsStayWhole() throws {
        var batch = IndexRowBatch()
        let refused = [UInt8](repeating: 9, count: 40)
            .withUnsafeBytes { code in
                Array("call_bad".utf8)
                    .withUnsafeBufferPointer { id in
                        batch.append(id: id, group: 0, expiresAtMillis: 5, code: code)
                    }
            }
        #expect(!refused)
        #expect(batch.isEmpty)
        var generator = SeededGenerator(seed: 2)
        let foreign = try #require(IndexCode(encoding: unit(&generator, dimension: 64)))
        let withVector = IndexRow(id: "call_v", group: 1, vector: unit(&generator), expiresAtMillis: 9, code: foreign)
        batch.append(withVector)
        #expect(batch.columnCount == 0)
        #expect(Array(batch) == [withVector])
    }

    /// The first load adopts the columns; the slab answers as one loaded row by row, from vectors.
    @Test func aSlabAdoptingABatchSearchesLikeOneBuiltRowByRow() {
        let rows = rows(1000, seed: 3)
        let byRow = SlabVectorIndex(dimension: 256, rescore: 256)
        byRow.upsert(contentsOf: rows, in: partition)
        let adopted = SlabVectorIndex(dimension: 256, rescore: 256)
        adopted.upsert(storeBatch(rows), in: partition)
        #expect(adopted.count == rows.count)
        #expect(adopted.rowCounts() == [partition: rows.count])
        let found = searches(adopted, rows)
        #expect(found == searches(byRow, rows))
        #expect(found.allSatisfy { !$0.isEmpty })
        // Pruning sees the adopted expiries.
        #expect(adopted.removeExpired(nowMillis: 1000 + 499) == 500)
        #expect(adopted.count == 500)
    }

    /// A catch-up into a loaded slab replaces rows it has and adds the rest; a batch that names an id
    /// twice keeps the later row, as upserting one by one would.
    @Test func catchUpsAndRepeatedIdsGoRowByRow() throws {
        let first = rows(100, seed: 4)
        let index = SlabVectorIndex(dimension: 256, rescore: 256)
        index.upsert(storeBatch(first), in: partition)
        var moved = first[0]
        moved.expiresAtMillis = 99_999
        let more = rows(10, seed: 5)
        index.upsert(storeBatch([moved] + more), in: partition)
        #expect(index.count == 110)
        #expect(index.removeExpired(nowMillis: 50_000) == 109)
        #expect(
            index.search(moved.vector, in: partition, group: moved.group, limit: 1, minScore: 0.9, nowMillis: 0)
                .map(\.id) == [moved.id]
        )

        let twice = SlabVectorIndex(dimension: 256, rescore: 256)
        var again = first[1]
        again.expiresAtMillis = 77_777
        twice.upsert(storeBatch([first[1], first[2], again]), in: partition)
        #expect(twice.count == 2)
        #expect(twice.removeExpired(nowMillis: 50_000) == 1)
        #expect(twice.rowCounts() == [partition: 1])
    }

    /// Rows without a code (stored before codes were) are encoded from their vectors in the same load.
    @Test func rowsWithOnlyAVectorJoinTheAdoptedColumns() {
        let all = rows(40, seed: 6)
        var batch = storeBatch(Array(all[..<30]))
        for row in all[30...] { batch.append(row) }
        #expect(batch.columnCount == 30)
        #expect(batch.others.count == 10)
        let index = SlabVectorIndex(dimension: 256, rescore: 256)
        index.upsert(batch, in: partition)
        #expect(index.count == 40)
        let byRow = SlabVectorIndex(dimension: 256, rescore: 256)
        byRow.upsert(contentsOf: all, in: partition)
        #expect(searches(index, all) == searches(byRow, all))
    }
}
