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

    /// The codec of `dimension`: one shared instance for the embedders' 256, a new one for other lengths.
    static func shared(dimension: Int) -> RowCodec {
        dimension == standard.dimension ? standard : RowCodec(dimension: dimension)
    }

    private static let standard = RowCodec(dimension: 256)

    /// The sign sketch of `vector` (``sketchWords`` words).
    func sketch(_ vector: [Float]) -> [UInt64] {
        var words = [UInt64](repeating: 0, count: Self.sketchWords)
        words.withUnsafeMutableBufferPointer { words in
            vector.withUnsafeBufferPointer { vector in sketch(vector, into: words.baseAddress!) }
        }
        return words
    }

    /// Writes the sketch of `vector` into `words` (``sketchWords`` words, zeroed by the caller).
    private func sketch(_ vector: UnsafeBufferPointer<Float>, into words: UnsafeMutablePointer<UInt64>) {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: width) { buffer in
            signs.withUnsafeBufferPointer { signs in
                var bit = 0
                let used = min(vector.count, width)
                for rotation in 0..<rotations {
                    let base = rotation * 2 * width
                    for index in 0..<used { buffer[index] = vector[index] * signs[base + index] }
                    for index in used..<width { buffer[index] = 0 }
                    Self.hadamard(buffer)
                    for index in 0..<width { buffer[index] *= signs[base + width + index] }
                    Self.hadamard(buffer)
                    for index in 0..<width where bit < Self.sketchBits {
                        if buffer[index] > 0 { words[bit >> 6] |= 1 << UInt64(bit & 63) }
                        bit += 1
                    }
                }
            }
        }
    }

    /// The ``IndexCode`` of `vector`: its sketch, and its Int8 code with one scale (component ≈ scale ×
    /// code, each off by at most scale / 2).
    func encode(_ vector: [Float]) -> IndexCode {
        let header = IndexCode.headerBytes
        let length = header + Self.sketchBytes + vector.count
        let largest = vector.reduce(Float(0)) { max($0, abs($1)) }
        let scale: Float = largest > 0 && largest.isFinite ? largest / 127 : 0
        let bytes = [UInt8](unsafeUninitializedCapacity: length) { bytes, initialized in
            bytes.initialize(repeating: 0)
            bytes[0] = IndexCode.formatVersion
            bytes[1] = UInt8(truncatingIfNeeded: vector.count)
            bytes[2] = UInt8(truncatingIfNeeded: vector.count >> 8)
            let bits = scale.bitPattern
            for byte in 0..<4 { bytes[3 + byte] = UInt8(truncatingIfNeeded: bits >> UInt32(8 * byte)) }
            var words = [UInt64](repeating: 0, count: Self.sketchWords)
            words.withUnsafeMutableBufferPointer { words in
                vector.withUnsafeBufferPointer { vector in sketch(vector, into: words.baseAddress!) }
            }
            for (index, word) in words.enumerated() {
                for byte in 0..<8 {
                    bytes[header + index * 8 + byte] = UInt8(truncatingIfNeeded: word >> UInt64(8 * byte))
                }
            }
            if scale > 0 {
                let codes = header + Self.sketchBytes
                for (index, value) in vector.enumerated() {
                    bytes[codes + index] = UInt8(bitPattern: Int8(max(-127, min(127, (value / scale).rounded()))))
                }
            }
            initialized = length
        }
        return IndexCode(validBytes: bytes)
    }

    /// The unnormalised fast Walsh–Hadamard transform, in place; `buffer.count` is a power of two.
    private static func hadamard(_ values: UnsafeMutableBufferPointer<Float>) {
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
