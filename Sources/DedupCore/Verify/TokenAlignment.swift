/// A longest-common-subsequence alignment of two token-key sequences: which tokens of each side have a
/// partner in the same order on the other.
enum TokenAlignment {
    /// Largest middle part (after the common prefix and suffix) aligned by dynamic programming, in cells;
    /// beyond it the middle is matched as a multiset, which keeps every veto but no order within it.
    static let maxCells = 40_000

    /// `matched[i]` is true when token `i` is part of the alignment.
    static func align(_ a: [String], _ b: [String]) -> (a: [Bool], b: [Bool]) {
        var matchedA = [Bool](repeating: false, count: a.count)
        var matchedB = [Bool](repeating: false, count: b.count)
        var prefix = 0
        while prefix < a.count && prefix < b.count && a[prefix] == b[prefix] {
            matchedA[prefix] = true
            matchedB[prefix] = true
            prefix += 1
        }
        var suffix = 0
        while suffix < a.count - prefix && suffix < b.count - prefix
            && a[a.count - 1 - suffix] == b[b.count - 1 - suffix]
        {
            matchedA[a.count - 1 - suffix] = true
            matchedB[b.count - 1 - suffix] = true
            suffix += 1
        }
        let middleA = Array(a[prefix..<(a.count - suffix)])
        let middleB = Array(b[prefix..<(b.count - suffix)])
        guard !middleA.isEmpty, !middleB.isEmpty else { return (matchedA, matchedB) }
        if middleA.count * middleB.count > maxCells {
            var available = Multiset(middleB)
            var takenB = Multiset(middleA).intersection(available)
            for (offset, key) in middleA.enumerated() where available.remove(key) { matchedA[prefix + offset] = true }
            for (offset, key) in middleB.enumerated() where takenB.remove(key) { matchedB[prefix + offset] = true }
            return (matchedA, matchedB)
        }
        let (n, m) = (middleA.count, middleB.count)
        var table = [Int](repeating: 0, count: (n + 1) * (m + 1))
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                table[i * (m + 1) + j] =
                    middleA[i] == middleB[j]
                    ? table[(i + 1) * (m + 1) + j + 1] + 1
                    : max(table[(i + 1) * (m + 1) + j], table[i * (m + 1) + j + 1])
            }
        }
        var (i, j) = (0, 0)
        while i < n && j < m {
            if middleA[i] == middleB[j] {
                matchedA[prefix + i] = true
                matchedB[prefix + j] = true
                i += 1
                j += 1
            } else if table[(i + 1) * (m + 1) + j] >= table[i * (m + 1) + j + 1] {
                i += 1
            } else {
                j += 1
            }
        }
        return (matchedA, matchedB)
    }
}
