/// `unmatched_relative_share`: unmatched words that are one word's forms by spelling, with no word list.
extension PairFeatures {
    /// `unmatched_relative_share`: the share of the unmatched content words (both sides, every field) with
    /// a relative among the other side's unmatched words of the same field — the same word inflected in a
    /// way the stemmer misses ("kiss" / "kissing", "shivers" / "shivering") or compounded ("plane" /
    /// "airplane"): a form changed, not a fact. 0 when nothing is unmatched. Spelling only, no word list.
    static func relativeShare(_ diff: PairDiff) -> Double {
        var unmatched = 0
        var related = 0
        for field in diff.fields.values {
            for (words, others) in [(field.addedWords, field.removedWords), (field.removedWords, field.addedWords)] {
                unmatched += words.count
                related += words.filter { word in others.contains { areRelatives(word, $0) } }.count
            }
        }
        return unmatched == 0 ? 0 : Double(related) / Double(unmatched)
    }

    /// Whether two words are one word's forms: they begin alike for at least four letters and for all but
    /// at most three letters of the shorter, or the shorter (of four letters or more) is inside the longer.
    static func areRelatives(_ first: String, _ second: String) -> Bool {
        asciiRelatives(first, second) ?? generalRelatives(first, second)
    }

    /// ``areRelatives(_:_:)`` by Unicode scalars, for any two words.
    static func generalRelatives(_ first: String, _ second: String) -> Bool {
        let (a, b) = (Array(first.unicodeScalars), Array(second.unicodeScalars))
        var shared = 0
        while shared < min(a.count, b.count) && a[shared] == b[shared] { shared += 1 }
        if shared >= max(4, min(a.count, b.count) - 3) { return true }
        // One word inside the other ("plane" / "airplane", "bird" / "blackbird"): a compound of it.
        let (shorter, longer) = a.count <= b.count ? (first, second) : (second, first)
        return shorter.unicodeScalars.count >= 4 && longer.contains(shorter)
    }

    /// ``areRelatives(_:_:)`` on the bytes of two ASCII words (a byte is a scalar and a character there, so
    /// the prefix and the containment read the same), or nil when either word is not ASCII: every pair of
    /// unmatched words of every candidate is compared, and the general path allocates and searches by
    /// `Character`.
    static func asciiRelatives(_ first: String, _ second: String) -> Bool? {
        let answer = first.utf8.withContiguousStorageIfAvailable { a in
            second.utf8.withContiguousStorageIfAvailable { b -> Bool? in
                a.allSatisfy({ $0 < 0x80 }) && b.allSatisfy({ $0 < 0x80 }) ? bytesRelated(a, b) : nil
            }
        }
        // nil at any level: a string without contiguous UTF-8, or a word that is not ASCII.
        guard let both = answer, let second = both, let related = second else { return nil }
        return related
    }

    /// The rule of ``areRelatives(_:_:)`` on two words' bytes.
    private static func bytesRelated(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let shortest = min(a.count, b.count)
        var shared = 0
        while shared < shortest && a[shared] == b[shared] { shared += 1 }
        if shared >= max(4, shortest - 3) { return true }
        let (shorter, longer) = a.count <= b.count ? (a, b) : (b, a)
        guard shorter.count >= 4 else { return false }
        return (0...(longer.count - shorter.count))
            .contains { start in
                longer[start..<(start + shorter.count)].elementsEqual(shorter)
            }
    }
}
