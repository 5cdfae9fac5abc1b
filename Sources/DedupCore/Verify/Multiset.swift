/// A counted bag of strings, for "which tokens does the other side still have".
struct Multiset: Equatable {
    private var counts: [String: Int] = [:]

    init(_ elements: some Sequence<String>) {
        counts.reserveCapacity(elements.underestimatedCount)
        for element in elements { counts[element, default: 0] += 1 }
    }

    private init(counts: [String: Int]) { self.counts = counts }

    /// How many times `element` is in the bag.
    func count(_ element: String) -> Int { counts[element] ?? 0 }

    /// Takes one `element` out; false when there is none.
    mutating func remove(_ element: String) -> Bool {
        guard let count = counts[element], count > 0 else { return false }
        counts[element] = count == 1 ? nil : count - 1
        return true
    }

    /// The elements both bags hold, each as often as the smaller count.
    func intersection(_ other: Multiset) -> Multiset {
        var shared: [String: Int] = [:]
        for (element, count) in counts {
            let both = min(count, other.count(element))
            if both > 0 { shared[element] = both }
        }
        return Multiset(counts: shared)
    }
}
