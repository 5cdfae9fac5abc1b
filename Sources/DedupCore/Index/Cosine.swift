/// Exact cosine of two L2-normalised embeddings, for decisions.
///
/// A ``VectorIndex`` may score approximately (``SlabVectorIndex`` rescores from Int8 codes), so the funnel
/// recomputes every candidate's score from the Float32 embedding stored with its record; summing in
/// Double makes the result independent of the order of the sum.
enum Cosine {
    /// The dot product of `query` and `stored`, or nil when their lengths differ (another model's vector).
    static func exact(_ query: [Float], _ stored: [Float]) -> Double? {
        guard query.count == stored.count, !query.isEmpty else { return nil }
        var sum = 0.0
        for index in query.indices { sum += Double(query[index]) * Double(stored[index]) }
        return sum
    }
}
