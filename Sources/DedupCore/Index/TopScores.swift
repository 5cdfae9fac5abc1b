/// The best `capacity` of a stream of scored rows, in the order a stable sort by descending score would
/// give them (equal scores in the order they came).
///
/// A search rescores up to thousands of rows and reads only the best few: keeping those as they come
/// costs a comparison with the worst kept for most rows, where sorting all of them cost more than scoring.
struct TopScores {
    let capacity: Int
    /// The rows kept, best first.
    private(set) var best: [(row: Int32, score: Float)] = []

    init(capacity: Int) {
        self.capacity = max(0, capacity)
        best.reserveCapacity(self.capacity)
    }

    /// Offers a row: kept if it beats the worst kept (a tie with it is not better, as it came later).
    mutating func add(_ row: Int32, _ score: Float) {
        guard capacity > 0 else { return }
        if best.count == capacity {
            guard score > best[capacity - 1].score else { return }
            best.removeLast()
        }
        // After every kept row of at least its score: equal scores stay in arrival order.
        var position = best.count
        while position > 0 && best[position - 1].score < score { position -= 1 }
        best.insert((row, score), at: position)
    }
}
