import Testing

@testable import DedupCore

@Suite("Safety tokenizer")
struct SafetyTokenizerTests {
    /// Plain words take a byte fast path; it must classify them exactly as the general path does.
    @Test(arguments: [
        "invoice", "Invoice", "INVOICE", "iNvOiCe", "a", "A", "I", "OK", "two", "Two", "TWELVE", "hundred",
        "one", "zero", "Monday", "USD", "x", "Zz", "follow", "dozen", "Half",
    ])
    func plainWordsMatchTheGeneralPath(word: String) {
        for capitalised in [false, true] {
            #expect(
                SafetyTokenizer.classify(word, capitalised: capitalised)
                    == SafetyTokenizer.classifyAnyRun(word, capitalised: capitalised)
            )
        }
    }

    @Test func numberWordsAndCapitalsAreReadInProse() {
        let tokens = SafetyTokenizer.tokens("Ship two units to Denver, then email BOB.")
        #expect(tokens.map(\.text) == ["ship", "2", "units", "to", "denver", "then", "email", "bob"])
        #expect(tokens.map(\.kind) == [.word, .number, .word, .word, .word, .word, .word, .word])
        #expect(tokens.map(\.capitalised) == [false, false, false, false, true, false, false, true])
    }

    @Test func runsThatAreNotPlainWordsTakeTheGeneralPath() {
        #expect(SafetyTokenizer.tokens("can't") == [SafetyToken("can", .word), SafetyToken("not", .word)])
        #expect(SafetyTokenizer.tokens("db-1") == [SafetyToken("db-1", .identifier)])
        #expect(SafetyTokenizer.tokens("5pm") == [SafetyToken("5", .number), SafetyToken("pm", .word)])
        #expect(SafetyTokenizer.tokens("café") == [SafetyToken("café", .word)])
    }
}
