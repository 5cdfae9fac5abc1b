import DedupCore
import Foundation
import Testing

@Suite struct VectorIndexTests {
    let partition = PartitionKey(tenant: "t", scope: "s", tool: "x")

    func randomUnitVector(_ dimension: Int, _ generator: inout some RandomNumberGenerator) -> [Float] {
        let raw = (0..<dimension).map { _ in Float.random(in: -1...1, using: &generator) }
        let norm = raw.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return raw.map { $0 / norm }
    }

    /// An index of `rows` random unit rows `r0`, `r1`, … in group 1 of the test partition.
    func randomIndex(rows: Int, dimension: Int, _ generator: inout some RandomNumberGenerator) -> BLASVectorIndex {
        let index = BLASVectorIndex(dimension: dimension)
        for row in 0..<rows {
            index.upsert(
                IndexRow(
                    id: "r\(row)",
                    group: 1,
                    vector: randomUnitVector(dimension, &generator),
                    expiresAtMillis: .max
                ),
                in: partition
            )
        }
        return index
    }

    @Test func blasScoresEqualAPlainDotProduct() {
        var generator = SeededGenerator(seed: 7)
        let index = randomIndex(rows: 3000, dimension: 256, &generator)
        let query = randomUnitVector(256, &generator)
        let blas = index.blasScores(query, in: partition, group: 1)
        let plain = index.referenceScores(query, in: partition, group: 1)
        #expect(blas.count == 3000)
        for (fast, slow) in zip(blas, plain) {
            #expect(fast.0 == slow.0)
            #expect(abs(fast.1 - slow.1) <= 1e-5)
        }
    }

    @Test(arguments: IndexKind.allCases) func searchReturnsTheBestRowsOfTheGroupInOrder(kind: IndexKind) {
        let index = kind.make(dimension: 2)
        let rows: [(String, UInt64, [Float])] = [
            ("a", 1, [1, 0]), ("b", 1, [0.8, 0.6]), ("c", 2, [1, 0]), ("d", 1, [0, 1]), ("e", 1, [0.6, 0.8]),
        ]
        for (id, group, vector) in rows {
            index.upsert(IndexRow(id: id, group: group, vector: vector, expiresAtMillis: 1000), in: partition)
        }
        let hits = index.search([1, 0], in: partition, group: 1, limit: 2, minScore: 0.5, nowMillis: 0)
        #expect(hits.map(\.id) == ["a", "b"])
        #expect(index.search([1, 0], in: partition, group: 2, limit: 5, minScore: 0, nowMillis: 0).map(\.id) == ["c"])
        #expect(
            index.search([1, 0], in: partition, group: 1, limit: 5, minScore: 0.9, nowMillis: 0).map(\.id) == ["a"]
        )
        #expect(index.search([1, 0], in: partition, group: 1, limit: 5, minScore: 0, nowMillis: 1000).isEmpty)
        let other = PartitionKey(tenant: "u", scope: "s", tool: "x")
        #expect(index.search([1, 0], in: other, group: 1, limit: 5, minScore: 0, nowMillis: 0).isEmpty)
    }

    @Test(arguments: IndexKind.allCases) func removalAndExpiryKeepTheRowsConsistent(kind: IndexKind) {
        let index = kind.make(dimension: 2)
        for row in 0..<100 {
            let angle = Float(row) / 100
            index.upsert(
                IndexRow(id: "r\(row)", group: 0, vector: [cos(angle), sin(angle)], expiresAtMillis: Int64(row)),
                in: partition
            )
        }
        index.remove(id: "r0", from: partition)
        index.remove(id: "r50", from: partition)
        #expect(index.count == 98)
        // The moved rows must still score as themselves.
        let hits = index.search([1, 0], in: partition, group: 0, limit: 1, minScore: 0, nowMillis: -1)
        #expect(hits.first?.id == "r1")
        // r1…r49 expire at 49 or earlier (r0 and r50 were removed above).
        #expect(index.removeExpired(nowMillis: 49) == 49)
        #expect(index.count == 49)
        #expect(index.removeExpired(nowMillis: 1000) == 49)
        #expect(index.count == 0)
        index.upsert(IndexRow(id: "z", group: 0, vector: [1, 0], expiresAtMillis: 5), in: partition)
        index.upsert(IndexRow(id: "z", group: 0, vector: [0, 1], expiresAtMillis: 5), in: partition)
        #expect(index.rowCounts() == [partition: 1])
        #expect(index.search([0, 1], in: partition, group: 0, limit: 1, minScore: 0.99, nowMillis: 0).first?.id == "z")
    }

    /// A matrix that shrinks to a fraction of its size (a prune) gives its memory back by copying its
    /// rows; the scores of the rows that remain must be exactly those of a plain dot product.
    @Test func aMatrixShrunkByRemovalsStillScoresItsRemainingRows() {
        var generator = SeededGenerator(seed: 11)
        let index = randomIndex(rows: 4000, dimension: 64, &generator)
        let query = randomUnitVector(64, &generator)
        _ = index.blasScores(query, in: partition, group: 1)  // grow the scratch buffer too
        for row in 0..<3950 where row % 80 != 0 { index.remove(id: "r\(row)", from: partition) }
        let blas = index.blasScores(query, in: partition, group: 1)
        let plain = index.referenceScores(query, in: partition, group: 1)
        #expect(blas.count == 4000 - 3950 + 50)
        #expect(Set(blas.map(\.0)) == Set((0..<4000).filter { $0 >= 3950 || $0 % 80 == 0 }.map { "r\($0)" }))
        for (fast, slow) in zip(blas, plain) {
            #expect(fast.0 == slow.0)
            #expect(abs(fast.1 - slow.1) <= 1e-5)
        }
        let best = index.search(query, in: partition, group: 1, limit: 1, minScore: -1, nowMillis: 0)
        #expect(best.first?.id == blas.max { $0.1 < $1.1 }?.0)
    }

    @Test(arguments: IndexKind.allCases) func vectorsOfTheWrongDimensionAreIgnored(kind: IndexKind) {
        let index = kind.make(dimension: 4)
        index.upsert(IndexRow(id: "a", group: 0, vector: [1, 0], expiresAtMillis: 10), in: partition)
        #expect(index.count == 0)
        #expect(index.search([1, 0], in: partition, group: 0, limit: 1, minScore: 0, nowMillis: 0).isEmpty)
    }
}

/// The index implementations the behaviour tests run against: the exact one and the ledger's.
enum IndexKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case exact
    case slab

    var testDescription: String { rawValue }

    func make(dimension: Int) -> any VectorIndex {
        switch self {
        case .exact: BLASVectorIndex(dimension: dimension)
        case .slab: SlabVectorIndex(dimension: dimension)
        }
    }
}

/// SplitMix64: a seeded generator so test data is the same on every run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
