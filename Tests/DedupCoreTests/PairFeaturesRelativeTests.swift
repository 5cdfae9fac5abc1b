import Testing

@testable import DedupCore

/// The pair feature that finds the unmatched words which are forms of one another.
@Suite struct PairFeaturesRelativeTests {
    let features: PairFeatures

    init() throws {
        features = try PairFeatures.bundled()
    }

    private func share(_ first: String, _ second: String) -> Double {
        features.values(FieldSignature(text: ["message": first]), FieldSignature(text: ["message": second]))[
            "unmatched_relative_share"
        ]!
    }

    @Test(arguments: [
        ("kiss", "kissing"), ("shivers", "shivering"), ("plane", "airplane"), ("bird", "blackbird"),
        ("resting", "rest"),
    ])
    func formsOfOneWordAreRelatives(_ first: String, _ second: String) {
        #expect(PairFeatures.areRelatives(first, second))
        #expect(PairFeatures.areRelatives(second, first))
    }

    @Test(arguments: [("dog", "goat"), ("bike", "motorcycle"), ("motorcycle", "motorboat"), ("run", "runway")])
    func differentWordsAreNot(_ first: String, _ second: String) {
        #expect(!PairFeatures.areRelatives(first, second))
    }

    @Test func aMissedInflectionCountsAndADifferentThingDoesNot() {
        #expect(share("Two robots kiss.", "Two robots are kissing.") == 1)
        #expect(share("Two people are riding a bike.", "Two people are riding a motorcycle.") == 0)
        #expect(share("Restart the web server", "restart the WEB server!") == 0)
    }

    @Test func bothOrdersScoreAlike() {
        let pairs = [("A white airplane is on a runway.", "A white plane on the runway."), ("a b c", "a b d")]
        for (first, second) in pairs {
            #expect(share(first, second) == share(second, first))
        }
    }
}
