import Testing

@testable import DedupCore

/// The check path's fast paths give exactly what the general code gives: the byte stemmer against the
/// `Character` stemmers, the byte relative check against the scalar one, the indexed antonym check against
/// a scan of every pair.
struct SafetyFastPathTests {
    /// Words that exercise every rule: action words and their inflections, doubled consonants, silent
    /// "e", "ss", short words, capitals, and words the byte path must refuse.
    static let words: [String] = {
        let actions = OppositeActions.pairs.flatMap { [$0.0, $0.1] }
        let inflected = actions.flatMap { word -> [String] in
            let doubled: String = word + String(word.suffix(1)) + "ed"
            return ["s", "d", "ed", "es", "ing"].map { word + $0 } + [doubled]
        }
        let plain = [
            "running", "stopped", "peels", "peeling", "update", "updated", "updating", "invoices", "class", "pass",
            "boss", "goes", "sees", "bed", "red", "is", "as", "s", "ed", "ing", "a", "e", "bee", "tree", "agreed",
            "hopping", "hoping", "buzzed", "fixes", "boxes", "Invoices", "RUNNING", "Enabled", "mixed", "tapped",
            "rowing", "sewing", "wooden", "trees", "free", "seeing", "queued", "canceled", "cancelled", "idle",
        ]
        let general = ["café", "naïve", "résumés", "don't", "q3s", "x-ray", "über", "enabled\u{301}", "ﬁles"]
        return actions + inflected + plain + general
    }()

    @Test func theByteStemmerAgreesWithTheGeneralOne() {
        for word in Self.words {
            #expect(StructuralVerifier.stem(word) == StructuralVerifier.generalStem(word), "\(word)")
            #expect(OppositeActions.stem(word) == OppositeActions.generalStem(word), "\(word)")
        }
    }

    @Test func wordsThatAreNotPlainASCIILettersTakeTheGeneralPath() {
        for word in ["café", "don't", "q3s", "x-ray", "", "ﬁles"] {
            #expect(ASCIIStemmer.stem(word) == nil, "\(word)")
            #expect(ASCIIStemmer.actionStem(word) == nil, "\(word)")
        }
        #expect(ASCIIStemmer.stem("Invoices") == "Invoic")
        #expect(ASCIIStemmer.actionStem("enabling") == "enable")
    }

    @Test func theByteRelativeCheckAgreesWithTheScalarOne() {
        let words = Self.words + ["plane", "airplane", "bird", "blackbird", "run", "runway", "kiss", "kissing"]
        var related = 0
        for first in words {
            for second in words {
                let expected = PairFeatures.generalRelatives(first, second)
                #expect(PairFeatures.areRelatives(first, second) == expected, "\(first) / \(second)")
                if expected { related += 1 }
            }
        }
        #expect(related > words.count)
        #expect(PairFeatures.asciiRelatives("café", "cafés") == nil)
    }

    /// The antonym check as it was first written: every pair, four lookups each.
    static func oppositeWordsByScan(_ left: Set<String>, _ right: Set<String>) -> Int {
        SafetyCheck.antonymPairs
            .filter { first, second in
                let (leftFirst, leftSecond) = (left.contains(first), left.contains(second))
                let (rightFirst, rightSecond) = (right.contains(first), right.contains(second))
                return (leftFirst && !leftSecond && rightSecond && !rightFirst)
                    || (leftSecond && !leftFirst && rightFirst && !rightSecond)
            }
            .count
    }

    @Test func theIndexedAntonymCheckCountsWhatAScanCounts() {
        let vocabulary =
            Array(Set(SafetyCheck.antonymPairs.flatMap { [$0.0, $0.1] })).sorted()
            + ["the", "invoice", "team", "report"]
        var generator = SeededGenerator(seed: 12)
        var found = 0
        for _ in 0..<2_000 {
            var left: Set<String> = []
            var right: Set<String> = []
            for _ in 0..<Int.random(in: 0...12, using: &generator) {
                left.insert(vocabulary.randomElement(using: &generator)!)
            }
            for _ in 0..<Int.random(in: 0...12, using: &generator) {
                right.insert(vocabulary.randomElement(using: &generator)!)
            }
            let expected = Self.oppositeWordsByScan(left, right)
            #expect(SafetyCheck.oppositeWords(left, right) == expected)
            found += expected
        }
        // The sample must hold real antonym splits, or the comparison proves nothing.
        #expect(found > 100)
        #expect(SafetyCheck.oppositeWords(["enable", "feature"], ["disable", "feature"]) == 1)
        #expect(SafetyCheck.oppositeWords(["enable", "disable"], ["disable"]) == 0)
    }
}
