/// A row's compact form, as a ``SlabVectorIndex`` keeps it and a store may save it beside the embedding.
///
/// Loading a partition of a million rows from its Float32 embeddings reads a gigabyte and sketches and
/// quantises every row again: tens of seconds before the first answer after a restart. A store that keeps
/// each row's code (295 bytes for 256 dimensions) in a covering index hands the index what it keeps, and
/// the load reads a third of the bytes and computes nothing.
///
/// Layout, little-endian: format version (1 byte), dimension (UInt16), scale (Float32 bits), the sign
/// sketch (``RowCodec/sketchBytes``), then one Int8 code per dimension. A code of another format version
/// or dimension is refused by ``init(bytes:)``, and the caller falls back to the embedding — so changing the
/// sketch's seed or layout only needs a new ``formatVersion``.
public struct IndexCode: Sendable, Hashable {
    /// The layout's version; bump it whenever the sketch or the quantisation changes.
    public static let formatVersion: UInt8 = 1
    static let headerBytes = 7

    /// The encoded bytes.
    public let bytes: [UInt8]

    /// The code stored as `bytes`, or nil when they are not a code of this format (another version, a
    /// truncated value).
    public init?(bytes: [UInt8]) {
        guard bytes.withUnsafeBytes(Self.dimension(ofValid:)) != nil else { return nil }
        self.bytes = bytes
    }

    /// The dimension of the code stored as `bytes`, or nil when they are not a code of this format.
    static func dimension(ofValid bytes: UnsafeRawBufferPointer) -> Int? {
        guard bytes.count >= headerBytes, bytes[0] == formatVersion else { return nil }
        let dimension = Int(bytes[1]) | Int(bytes[2]) << 8
        guard dimension > 0, bytes.count == headerBytes + RowCodec.sketchBytes + dimension else { return nil }
        return dimension
    }

    /// The code of the given parts (as ``split(_:sketch:codes:scales:)`` took them apart).
    init(dimension: Int, scale: Float, sketch: ArraySlice<UInt64>, codes: ArraySlice<Int8>) {
        var bytes: [UInt8] = [Self.formatVersion, UInt8(truncatingIfNeeded: dimension), UInt8(dimension >> 8)]
        bytes.reserveCapacity(Self.headerBytes + RowCodec.sketchBytes + dimension)
        let bits = scale.bitPattern
        for byte in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: bits >> UInt32(8 * byte))) }
        for word in sketch {
            for byte in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: word >> UInt64(8 * byte))) }
        }
        for code in codes { bytes.append(UInt8(bitPattern: code)) }
        self.bytes = bytes
    }

    /// Appends the parts of the valid code `bytes` to a slab's columns: its sketch words, Int8 codes and
    /// scale.
    static func split(
        _ bytes: UnsafeRawBufferPointer,
        sketch: inout [UInt64],
        codes: inout [Int8],
        scales: inout [Float]
    ) {
        scales.append(
            Float(
                bitPattern: UInt32(bytes[3]) | UInt32(bytes[4]) << 8 | UInt32(bytes[5]) << 16
                    | UInt32(bytes[6]) << 24
            )
        )
        for index in 0..<RowCodec.sketchWords {
            let base = headerBytes + index * 8
            var word: UInt64 = 0
            for byte in 0..<8 { word |= UInt64(bytes[base + byte]) << UInt64(8 * byte) }
            sketch.append(word)
        }
        let start = headerBytes + RowCodec.sketchBytes
        let end = codes.count
        codes.append(contentsOf: repeatElement(0, count: bytes.count - start))
        codes.withUnsafeMutableBytes { all in
            all.baseAddress!.advanced(by: end)
                .copyMemory(from: bytes.baseAddress! + start, byteCount: bytes.count - start)
        }
    }

    /// The code of an L2-normalised `vector` (empty vectors have none: exact-only records).
    public init?(encoding vector: [Float]) {
        guard !vector.isEmpty, vector.count <= Int(UInt16.max) else { return nil }
        self = RowCodec.shared(dimension: vector.count).encode(vector)
    }

    init(validBytes: [UInt8]) {
        self.bytes = validBytes
    }

    /// Components per row.
    public var dimension: Int { Int(bytes[1]) | Int(bytes[2]) << 8 }

    /// The Int8 codes' scale: component ≈ scale × code.
    var scale: Float {
        Float(bitPattern: UInt32(bytes[3]) | UInt32(bytes[4]) << 8 | UInt32(bytes[5]) << 16 | UInt32(bytes[6]) << 24)
    }

    /// Word `index` of the sign sketch.
    func sketchWord(_ index: Int) -> UInt64 {
        let base = Self.headerBytes + index * 8
        var word: UInt64 = 0
        for byte in 0..<8 { word |= UInt64(bytes[base + byte]) << UInt64(8 * byte) }
        return word
    }

    /// Calls `body` with the Int8 codes.
    func withCodes<Result>(_ body: (UnsafeBufferPointer<Int8>) -> Result) -> Result {
        bytes.withUnsafeBytes { raw in
            let codes = UnsafeRawBufferPointer(rebasing: raw[(Self.headerBytes + RowCodec.sketchBytes)...])
            return body(codes.bindMemory(to: Int8.self))
        }
    }
}
