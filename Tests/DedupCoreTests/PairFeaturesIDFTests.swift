import DedupCore
import Testing

/// The pair features that weigh the words left unmatched by their fitted IDF.
@Suite struct PairFeaturesIDFTests {
    let features: PairFeatures

    init() throws {
        features = try PairFeatures.bundled()
    }

    private func values(_ first: String, _ second: String) -> [String: Double] {
        features.values(FieldSignature(text: ["message": first]), FieldSignature(text: ["message": second]))
    }

    @Test func aRareWordWeighsMoreThanACommonOne() {
        #expect(features.hashing.idf(ofWord: "reimbursement") > features.hashing.idf(ofWord: "the"))
        #expect(features.hashing.idf(ofWord: "Reimbursement") == features.hashing.idf(ofWord: "reimbursement"))
        let rare = values("Please review the document", "Please review the reimbursement document")
        let common = values("Please review the document", "Please review the new document")
        #expect(rare["unmatched_idf_max"]! > common["unmatched_idf_max"]!)
        #expect(rare["unmatched_idf_share_max"]! > common["unmatched_idf_share_max"]!)
        #expect(rare["unmatched_idf_share_max"]! > 0 && rare["unmatched_idf_share_max"]! <= 1)
    }

    @Test(arguments: [
        ("Restart the web server", "Restart the web server"),
        ("Restart the web server", "restart the WEB server!"),
        ("Restart the web server", "Restart a web server"),
    ])
    func noUnmatchedWordScoresZero(_ first: String, _ second: String) {
        let found = values(first, second)
        #expect(found["unmatched_idf_max"] == 0)
        #expect(found["unmatched_idf_share_max"] == 0)
    }

    @Test(arguments: [
        ("The build is failing on main again", "The pipeline keeps breaking on main"),
        ("Please review the document", "Please review the reimbursement document"),
        ("Ship the replacement units to the office", "Send new units to our office"),
    ])
    func bothOrdersScoreAlike(_ first: String, _ second: String) {
        let forward = values(first, second)
        let backward = values(second, first)
        for name in ["unmatched_idf_max", "unmatched_idf_share_max"] {
            #expect(forward[name] == backward[name], "\(name)")
        }
    }

    @Test func aWordWithNoLettersWeighsNothing() {
        #expect(features.hashing.idf(ofWord: "—") == 0)
    }
}
