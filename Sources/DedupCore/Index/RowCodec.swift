/// The two compact forms a ``SlabVectorIndex`` keeps of each row: a 256-bit sign sketch, scanned first,
/// and an Int8 code with one scale per row, used to rescore the rows the sketch ranks best.
///
/// The sketch is SimHash over a randomised Walsh–Hadamard rotation: flip the signs of the components with
/// a fixed random pattern, transform, flip again, transform again, and keep the sign of each output. The
/// rotation spreads every input component over every output, so sparse vectors (the hashing embedder
/// leaves most of its 256 buckets empty) still give a sketch whose Hamming distance tracks the angle
/// (expected distance = 256 · θ / π). A rotation costs O(d log d), where a Gaussian projection would cost
/// d × 256 multiplications per row — too slow to load a million rows.
///
/// The sign patterns come from a fixed seed, so every instance and every process sketches alike.
struct RowCodec: Sendable {
    /// Sketch bits per row.
    static let sketchBits = 256
    /// 64-bit words per sketch.
    static let sketchWords = sketchBits / 64
    /// Bytes per sketch.
    static let sketchBytes = sketchBits / 8

    /// Row length.
    let dimension: Int
    /// The rotation's length: the smallest power of two ≥ `dimension`.
    private let width: Int
    /// Rotations concatenated to reach ``sketchBits`` when `width` is shorter.
    private let rotations: Int
    /// Two sign patterns of `width` per rotation.
    private let signs: [Float]

    init(dimension: Int, seed: UInt64 = 0x5EED_51AB_C0DE_0001) {
        self.dimension = dimension
        var width = 1
        while width < dimension { width *= 2 }
        self.width = width
        self.rotations = max(1, (Self.sketchBits + width - 1) / width)
        var state = seed
        var signs: [Float] = []
        signs.reserveCapacity(rotations * 2 * width)
        for _ in 0..<(rotations * 2 * width) {
            // SplitMix64: fixed, fast, and good enough for sign patterns.
            state &+= 0x9E37_79B9_7F4A_7C15
            var value = state
            value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
            value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
            signs.append((value ^ (value >> 31)) & 1 == 0 ? 1 : -1)
        }
        self.signs = signs
    }

    /// The sign sketch of `vector` (``sketchWords`` words).
    func sketch(_ vector: [Float]) -> [UInt64] {
        var words = [UInt64](repeating: 0, count: Self.sketchWords)
        var buffer = [Float](repeating: 0, count: width)
        var bit = 0
        for rotation in 0..<rotations {
            let base = rotation * 2 * width
            for index in 0..<width { buffer[index] = index < vector.count ? vector[index] * signs[base + index] : 0 }
            Self.hadamard(&buffer)
            for index in 0..<width { buffer[index] *= signs[base + width + index] }
            Self.hadamard(&buffer)
            for index in 0..<width where bit < Self.sketchBits {
                if buffer[index] > 0 { words[bit >> 6] |= 1 << UInt64(bit & 63) }
                bit += 1
            }
        }
        return words
    }

    /// The Int8 code of `vector` and its scale: component ≈ scale × code, each off by at most scale / 2.
    func quantise(_ vector: [Float]) -> (codes: [Int8], scale: Float) {
        let largest = vector.reduce(Float(0)) { max($0, abs($1)) }
        guard largest > 0, largest.isFinite else { return ([Int8](repeating: 0, count: vector.count), 0) }
        let scale = largest / 127
        let codes = vector.map { Int8(max(-127, min(127, ($0 / scale).rounded()))) }
        return (codes, scale)
    }

    /// The unnormalised fast Walsh–Hadamard transform, in place; `buffer.count` is a power of two.
    private static func hadamard(_ buffer: inout [Float]) {
        buffer.withUnsafeMutableBufferPointer { values in
            var half = 1
            while half < values.count {
                var start = 0
                while start < values.count {
                    for index in start..<(start + half) {
                        let left = values[index]
                        let right = values[index + half]
                        values[index] = left + right
                        values[index + half] = left - right
                    }
                    start += 2 * half
                }
                half *= 2
            }
        }
    }
}

extension RowCodec {
    /// `Σ query[i] × codes[i]` in integers (``SlabQuery`` sizes its codes so the sum fits in Int32); the
    /// loop vectorises.
    @inline(__always)
    static func dot(_ query: UnsafePointer<Int16>, _ codes: UnsafePointer<Int8>, _ dimension: Int) -> Int32 {
        var sum: Int32 = 0
        for index in 0..<dimension { sum &+= Int32(query[index]) &* Int32(codes[index]) }
        return sum
    }

    /// The Hamming distance between two sketches.
    @inline(__always)
    static func distance(_ left: UnsafePointer<UInt64>, _ right: UnsafePointer<UInt64>) -> Int {
        (left[0] ^ right[0]).nonzeroBitCount + (left[1] ^ right[1]).nonzeroBitCount
            + (left[2] ^ right[2]).nonzeroBitCount + (left[3] ^ right[3]).nonzeroBitCount
    }
}
