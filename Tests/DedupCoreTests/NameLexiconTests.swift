import DedupModels
import Foundation
import Testing

@testable import DedupCore

/// The name lexicon: the fitting rule, the tokenizer's use of it, and the bundled file.
@Suite struct NameLexiconTests {
    @Test func aWordCapitalisedMidSentenceAndNeverInLowerCaseIsAName() {
        let lexicon = NameLexicon.fit(texts: [
            "We met Alice at the office.", "Please ask Alice first.",  // twice mid-sentence: a name
            "The team will march on.", "The launch moved to March.", "It slipped to March again.",  // also lower case
            "Ship it to Denver.",  // once only
            "Bob is here.", "Bob left.",  // only at a sentence's start: no evidence
            "Quarterly Security Review Moved To Thursday", "Annual Security Review Moved To Friday",  // headlines
        ])
        #expect(lexicon.names == ["alice"])
    }

    @Test func aKnownNameOpeningASentenceIsCapitalised() {
        let lexicon = NameLexicon(["Obama"])
        #expect(SafetyTokenizer.tokens("Obama is to blame.", names: lexicon).first?.capitalised == true)
        #expect(SafetyTokenizer.tokens("Obama's plan passed.", names: lexicon).first?.capitalised == true)
        #expect(SafetyTokenizer.tokens("Obama is to blame.", names: .empty).first?.capitalised == false)
        // A known name in lower case is still a plain word, and an unknown capitalised opener is no name.
        #expect(SafetyTokenizer.tokens("obama is to blame.", names: lexicon).first?.capitalised == false)
        #expect(SafetyTokenizer.tokens("It is to blame.", names: lexicon).first?.capitalised == false)
    }

    @Test func aNameOpeningASentenceVetoesWhenTheOtherTextLacksIt() {
        func diff(_ names: NameLexicon) -> FieldDiff {
            let texts = ["Priya will review the draft today.", "Someone will review the draft today."]
                .map { SafetyText($0, tokens: SafetyTokenizer.tokens($0, names: names)) }
            return SafetyCheck.compare(texts[0], texts[1])
        }
        #expect(diff(NameLexicon(["priya"])).entities == 1)
        #expect(diff(NameLexicon(["priya"])).veto != nil)
        #expect(diff(.empty).entities == 0)
    }

    @Test func theBundledLexiconLoadsWithItsChecksum() throws {
        let lexicon = try NameLexicon.loadBundled()
        let directory = try #require(BundledModels.namesV1)
        let manifest = try JSONParser().parse(Data(contentsOf: directory.appendingPathComponent("manifest.json")))
        #expect(lexicon.names.count == manifest["count"]?.doubleValue.map(Int.init))
        #expect(lexicon.names.count > 500)
        #expect(lexicon.contains("Obama") && lexicon.contains("Microsoft"))
        #expect(!lexicon.contains("The") && !lexicon.contains("May"))
        #expect(NameLexicon.bundled.names == lexicon.names)
    }

    @Test func aDamagedWordListIsRefused() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("names-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try NameLexicon(["alice", "denver"]).write(to: directory, version: "0.0.1", notes: "test")
        #expect(try NameLexicon.load(from: directory).names == ["alice", "denver"])
        try Data("alice\nmallory\n".utf8).write(to: directory.appendingPathComponent("names.txt"))
        #expect(throws: DedupError.self) { try NameLexicon.load(from: directory) }
    }
}
