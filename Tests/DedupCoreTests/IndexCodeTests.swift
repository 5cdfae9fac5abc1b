import Testing

@testable import DedupCore

/// A stored ``IndexCode`` stands in for the embedding: the slab built from codes is the slab built from
/// vectors, and bytes of another format are refused rather than misread.
@Suite struct IndexCodeTests {
    let partition = PartitionKey(tenant: "t", scope: "s", tool: "x")

    func unit(_ generator: inout SeededGenerator, dimension: Int = 256) -> [Float] {
        let raw = (0..<dimension).map { _ in Float.random(in: -1...1, using: &generator) }
        let norm = raw.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return raw.map { $0 / norm }
    }

    @Test func aCodeRoundTripsThroughItsBytesAndCarriesTheSketchAndCodes() throws {
        var generator = SeededGenerator(seed: 7)
        let vector = unit(&generator)
        let code = try #require(IndexCode(encoding: vector))
        #expect(code.bytes.count == IndexCode.headerBytes + RowCodec.sketchBytes + 256)
        #expect(IndexCode(bytes: code.bytes) == code)
        #expect(code.dimension == 256)
        let codec = RowCodec(dimension: 256)
        #expect((0..<RowCodec.sketchWords).map(code.sketchWord) == codec.sketch(vector))
        let largest = vector.map(abs).max()!
        #expect(code.scale == largest / 127)
        code.withCodes { codes in
            for index in vector.indices {
                #expect(abs(Float(codes[index]) * code.scale - vector[index]) <= code.scale / 2 * 1.001)
            }
        }
    }

    @Test func bytesOfAnotherFormatOrLengthAreRefused() throws {
        var generator = SeededGenerator(seed: 8)
        let bytes = try #require(IndexCode(encoding: unit(&generator))).bytes
        var otherVersion = bytes
        otherVersion[0] = IndexCode.formatVersion &+ 1
        #expect(IndexCode(bytes: otherVersion) == nil)
        #expect(IndexCode(bytes: Array(bytes.dropLast())) == nil)
        #expect(IndexCode(bytes: bytes + [0]) == nil)
        #expect(IndexCode(bytes: []) == nil)
        #expect(IndexCode(encoding: []) == nil)
    }

    /// Loading a partition from stored codes must give the index the same rows as loading it from the
    /// embeddings; a code of another dimension falls back to the vector.
    @Test func aSlabLoadedFromCodesSearchesLikeOneLoadedFromVectors() throws {
        var generator = SeededGenerator(seed: 9)
        let rows = (0..<3000)
            .map { index in
                IndexRow(id: "call_\(index)", group: UInt64(index % 3), vector: unit(&generator), expiresAtMillis: 1000)
            }
        let fromVectors = SlabVectorIndex(dimension: 256, rescore: 256)
        fromVectors.upsert(contentsOf: rows, in: partition)
        let fromCodes = SlabVectorIndex(dimension: 256, rescore: 256)
        let coded = rows.map { row in
            IndexRow(
                id: row.id,
                group: row.group,
                vector: [],
                expiresAtMillis: row.expiresAtMillis,
                code: IndexCode(encoding: row.vector)
            )
        }
        fromCodes.upsert(contentsOf: coded, in: partition)
        #expect(fromCodes.count == rows.count)
        for probe in stride(from: 0, to: rows.count, by: 97) {
            let query = rows[probe].vector
            let expected = fromVectors.search(
                query,
                in: partition,
                group: rows[probe].group,
                limit: 8,
                minScore: 0,
                nowMillis: 0
            )
            let found = fromCodes.search(
                query,
                in: partition,
                group: rows[probe].group,
                limit: 8,
                minScore: 0,
                nowMillis: 0
            )
            #expect(found == expected)
            #expect(found.first?.id == rows[probe].id)
        }
        // A code made for another dimension is not this index's: the row's vector is used instead.
        let mixed = SlabVectorIndex(dimension: 256)
        var other = generator
        let foreign = try #require(IndexCode(encoding: unit(&other, dimension: 64)))
        mixed.upsert(
            IndexRow(id: "call_x", group: 0, vector: rows[0].vector, expiresAtMillis: 1000, code: foreign),
            in: partition
        )
        #expect(
            mixed.search(rows[0].vector, in: partition, group: 0, limit: 1, minScore: 0.9, nowMillis: 0).map(\.id) == [
                "call_x"
            ]
        )
    }
}
