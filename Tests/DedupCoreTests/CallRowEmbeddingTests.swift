import Foundation
import Testing

@testable import DedupCore

@Suite struct CallRowEmbeddingTests {
    /// Values like an embedding's: a unit vector of 256 dimensions.
    static let vector: [Float] = {
        let raw = (0..<256).map { Float(sin(Double($0) * 0.37 + 0.1)) }
        let norm = raw.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return raw.map { $0 / norm }
    }()

    @Test func aVectorIsStoredAsHalvesAndReadBackWithinTheirPrecision() throws {
        let bytes = CallRow.bytes(of: Self.vector)
        #expect(bytes.count == 1 + 2 * 256)
        #expect(bytes.first == CallRow.float16Format)
        let read = CallRow.floats(from: bytes)
        #expect(read.count == 256)
        for (written, stored) in zip(Self.vector, read) {
            #expect(abs(written - stored) <= abs(written) * 0x1p-11 + 0x1p-24)
        }
        let cosine = try #require(Cosine.exact(Self.vector, read))
        #expect(abs(cosine - 1) < 1e-4)
        // Stored again, a read vector is the same bytes: rounding happens once.
        #expect(CallRow.bytes(of: read) == bytes)
        // The ledger's rounding is what a row reads back.
        #expect(CallRow.storedPrecision(Self.vector) == read)
    }

    @Test func vectorsWrittenAsFloat32BeforeHalvesStillRead() {
        let legacy = Self.vector.withUnsafeBytes { Array($0) }
        #expect(CallRow.floats(from: legacy) == Self.vector)
    }

    @Test func aValueAHalfCannotHoldKeepsFloat32() {
        let large: [Float] = [70_000, -1, 0.5, 2]
        let bytes = CallRow.bytes(of: large)
        #expect(bytes.count == 16)
        #expect(CallRow.floats(from: bytes) == large)
        #expect(CallRow.storedPrecision(large) == large)
    }

    @Test func bytesOfNeitherFormatAreNoVector() {
        #expect(CallRow.floats(from: [2, 0, 0]).isEmpty)
        #expect(CallRow.floats(from: [1, 0]).isEmpty)
        #expect(CallRow.floats(from: [1]).isEmpty)
    }
}
