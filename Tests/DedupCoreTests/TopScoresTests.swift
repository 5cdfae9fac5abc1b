import Testing

@testable import DedupCore

/// The search's selection of its best rows gives what sorting every rescored row gave.
struct TopScoresTests {
    @Test(arguments: [0, 1, 2, 8, 16, 40])
    func theBestAreWhatAStableSortPutsFirst(_ capacity: Int) {
        var generator = SeededGenerator(seed: UInt64(capacity) + 3)
        for _ in 0..<200 {
            let count = Int.random(in: 0...300, using: &generator)
            // Few distinct scores, so ties are common and their order is tested.
            let rows = (0..<count)
                .map { (row: Int32($0), score: Float(Int.random(in: -20...20, using: &generator)) / 20) }
            var top = TopScores(capacity: capacity)
            for row in rows { top.add(row.row, row.score) }
            let sorted = rows.enumerated()
                .sorted { lhs, rhs in
                    lhs.element.score != rhs.element.score
                        ? lhs.element.score > rhs.element.score : lhs.offset < rhs.offset
                }
            let expected = sorted.prefix(capacity).map(\.element)
            #expect(top.best.map(\.row) == expected.map(\.row))
            #expect(top.best.map(\.score) == expected.map(\.score))
        }
    }
}
