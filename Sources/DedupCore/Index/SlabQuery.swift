/// A query as the slab scans it: its sketch, its Int16 code (an integer dot product with Int8 rows
/// vectorises; a Float one does not without reassociation) and what bounds the error of a score.
struct SlabQuery: Sendable {
    private let vector: [Float]
    private let codec: RowCodec
    var codes: [Int16]
    var scale: Float
    /// ‖query‖₁ / 2: times a row's scale, the most that row's rounding moves its score.
    var rowSlack: Float
    /// The most the query's own rounding moves any score: scale / 2 × ‖row‖₁, with ‖row‖₁ ≤ √d × 1.05
    /// for unit rows (their Int8 codes are within √d × scale / 2 of unit length).
    var querySlack: Float
    /// ‖query‖₂ / √12: times a row's scale, the standard deviation of that row's rounding error in its score
    /// (each component's rounding is spread evenly over ±scale / 2). The worst case (``rowSlack``) keeps
    /// the floor safe; this typical size decides which places in the ranking are uncertain.
    var rowDeviation: Float

    init(_ vector: [Float], codec: RowCodec) {
        self.vector = vector
        self.codec = codec
        // Codes up to ±32767, fewer for long vectors so a sum of `count` products stays within Int32.
        let top = Float(min(32767, Int(Int32.max) / (127 * max(1, vector.count))))
        let largest = vector.reduce(Float(0)) { max($0, abs($1)) }
        let scale = largest > 0 && largest.isFinite ? largest / top : 0
        self.scale = scale
        codes = vector.map { scale > 0 ? Int16(max(-top, min(top, ($0 / scale).rounded()))) : 0 }
        rowSlack = vector.reduce(0) { $0 + abs($1) } / 2
        querySlack = scale / 2 * Float(vector.count).squareRoot() * 1.05
        rowDeviation = vector.reduce(0) { $0 + $1 * $1 }.squareRoot() / Float(12).squareRoot()
    }

    /// The query's sign sketch, made when a scan needs it: most checks find few rows of their group and
    /// rescore them all without one.
    func sketch() -> [UInt64] {
        codec.sketch(vector)
    }
}
