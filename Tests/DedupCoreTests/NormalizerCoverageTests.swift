import Testing

@testable import DedupCore

/// Date-times, stringified values, grouped numbers and code, as the normaliser writes them.
@Suite struct NormalizerCoverageTests {
    func canonical(_ value: JSONValue, key: String = "v") throws -> JSONValue? {
        let call = ToolCall(tenant: "t", scope: "s", tool: "x", arguments: [key: value])
        return try Normalizer().normalize(call).canonicalArguments[key]
    }

    @Test(arguments: [
        ("2023-07-10 15:00:00", "2023-07-10T15:00:00"), ("2023-07-10 15:00", "2023-07-10T15:00:00"),
        ("2023-07-10T15:00", "2023-07-10T15:00:00"), ("2023-04-01T10:00:00Z", "2023-04-01T10:00:00Z"),
        ("2023-04-01T10:00:00+00:00", "2023-04-01T10:00:00Z"), ("2023-04-01T12:30:00+02:30", "2023-04-01T10:00:00Z"),
        ("2023-12-31T23:00:00-02:00", "2024-01-01T01:00:00Z"), ("2023-04-01T10:00:00.500Z", "2023-04-01T10:00:00.5Z"),
        ("2023-07-10", "2023-07-10"),
    ])
    func dateTimesMeanOneInstant(_ written: String, _ expected: String) throws {
        #expect(try canonical(.string(written)) == .string(expected))
    }

    @Test func offsetLessTimesStayLocalAndImpossibleOnesStayText() throws {
        #expect(try canonical("2023-07-10T15:00") != canonical("2023-07-10T15:00Z"))
        #expect(try canonical("2023-02-30T10:00") == .string("2023-02-30T10:00"))
    }

    @Test func stringifiedValuesAreTheirValues() throws {
        #expect(try canonical("['a', 'b']") == canonical(["a", "b"]))
        #expect(try canonical("{'k': True, 'n': None}") == canonical(["k": true, "n": .null]))
        #expect(try canonical("[1, 2.50]") == canonical([1, 2.5]))
        #expect(try canonical("False") == .bool(false))
        #expect(try canonical("[not a list") == .string("[not a list"))
    }

    @Test func booleansInAnyCaseAreBooleansAndLookAlikesStayText() throws {
        for written in ["true", "TRUE", "True", " tRuE ", "\ttrue\n"] {
            #expect(try canonical(.string(written)) == .bool(true))
        }
        for written in ["false", "FALSE", "False "] { #expect(try canonical(.string(written)) == .bool(false)) }
        // Fullwidth letters are folded by NFKC first; other look-alikes are not booleans.
        #expect(try canonical("ＴＲＵＥ") == .bool(true))
        for written in ["truer", "tru", "t rue", "falsey", "True story", "tru\u{0301}e"] {
            #expect(try canonical(.string(written)) != .bool(true))
            #expect(try canonical(.string(written)) != .bool(false))
        }
    }

    @Test func datesAreReadOnlyFromShortTexts() throws {
        #expect(try canonical("March 10, 2022") == canonical("2022-03-10"))
        #expect(try canonical("10/03/2022\r\n") == canonical("10/03/2022"))
        let long = "March 10, 2022 is when the new pricing takes effect for every customer on the annual plan"
        #expect(try canonical(.string(long)) == .string(long))
    }

    @Test func groupedNumbersAreNumbers() throws {
        #expect(try canonical("1,250") == .number(JSONNumber(1250)))
        #expect(try canonical("$1,250.50") == .string("$1250.50"))
        #expect(try canonical("1,25") == .string("1,25"))
    }

    @Test(arguments: [
        "SELECT id FROM orders WHERE status = 'paid'", "UPDATE t SET a = 1 WHERE id = 2",
        "git push --force origin main",
        "/etc/app/config.yaml", "https://api.example.com/v1/users?active=true", "^ERROR .*timeout$",
        "<div class=\"a\">x</div>", "kubectl delete pod web -n staging",
    ])
    func codeIsRecognised(_ text: String) {
        #expect(CodeDetector.looksLikeCode(text))
    }

    @Test(arguments: [
        "select the best photo from the album", "update the team on the launch", "find the report from March",
        "delete the old drafts from my folder", "make sure the tests pass",
    ])
    func proseIsNotCode(_ text: String) {
        #expect(!CodeDetector.looksLikeCode(text))
    }

    /// The code rules read a text's first word and whether it has one, two, or three or more words.
    @Test func theFirstWordAndACappedWordCount() {
        #expect(CodeDetector.firstWord(of: "") == ("", 0))
        #expect(CodeDetector.firstWord(of: " \t\n") == ("", 0))
        #expect(CodeDetector.firstWord(of: "  ls") == ("ls", 1))
        #expect(CodeDetector.firstWord(of: "git\u{00A0}push ") == ("git", 2))
        #expect(CodeDetector.firstWord(of: "select a from b where c") == ("select", 3))
        #expect(CodeDetector.firstWord(of: "café au lait") == ("café", 3))
    }

    /// The classifier's word count is what splitting on spaces counts, without making the pieces.
    @Test(arguments: ["", " ", "one", "  two  words ", "a b c d", "tab\tis not a space", "café au lait", "x  y"])
    func theClassifierCountsWordsAsSplittingDoes(_ text: String) {
        #expect(FieldClassifier.wordCount(text) == text.split(separator: " ").count)
    }

    @Test func codeInAQueryFieldIsIdentity() throws {
        let call = ToolCall(
            tenant: "t",
            scope: "s",
            tool: "run_sql",
            arguments: ["query": "DELETE FROM sessions WHERE user_id = 42"]
        )
        let signature = try Normalizer().normalize(call).signature
        #expect(signature.identity["query"] != nil)
        #expect(signature.text["query"] == nil)
    }

    @Test func emailAddressesAreLowerCasedAndLookAlikesAreNot() throws {
        #expect(try canonical("Bob.Smith@Example.COM") == .string("bob.smith@example.com"))
        #expect(try canonical("Bob@Exämple.com") == .string("bob@exämple.com"))
        for notAnAddress in ["Bob@Example", "@Example.com", "Bob@.Example.com", "Bob@Example.com.", "A@B@C.com"] {
            #expect(try canonical(.string(notAnAddress)) == .string(notAnAddress))
        }
        // A combining mark after the "@" makes another Character: no address, by Characters as before.
        #expect(!Normalizer.isEmail("bob@\u{301}example.com"))
        #expect(!Normalizer.isEmail("bob@exam\u{A0}ple.com"))
    }

    /// The byte path for ASCII must answer as the rule by Character does, for every string: it decides which
    /// values are lower-cased, so a difference would change stored fingerprints.
    @Test func emailByBytesAgreesWithEmailByCharacters() {
        let alphabet: [String] = ["a", "B", ".", "@", " ", "\t", "\n", "\r", "\r\n", "\u{0B}", "\u{0C}", "\u{1C}", "-"]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<20_000 {
            var text = ""
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            for step in 0..<Int(state >> 61) + 1 {
                let pick = Int((state >> UInt64(8 * (step % 7))) & 0xFF) % alphabet.count
                text += alphabet[pick]
            }
            #expect(Normalizer.isEmail(text) == Normalizer.isEmailByCharacters(text), "\(text.debugDescription)")
        }
        #expect(Normalizer.isEmail("a@b.c") && Normalizer.isEmailByCharacters("a@b.c"))
    }
}
