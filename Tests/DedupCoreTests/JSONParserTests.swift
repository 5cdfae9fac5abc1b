import DedupCore
import Testing

@Suite struct JSONParserTests {
    @Test(arguments: [
        ("4999", "4999"), ("4999.0", "4999"), ("4.999e3", "4999"), ("49990e-1", "4999"), ("-0", "0"),
        ("0.000", "0"), ("1.7e308", "1.7e+308"), ("4.9e-324", "4.9e-324"), ("-1.5E-7", "-1.5e-7"), ("0.001", "0.001"),
        ("12345678901234567890", "12345678901234567890"), ("1e20", "100000000000000000000"), ("1e21", "1e+21"),
        ("123.4500", "123.45"),
    ])
    func numbersAreCanonicalByValue(_ literal: String, _ canonical: String) throws {
        #expect(try JSONParser().parse(literal) == .number(JSONNumber(literal: canonical)!))
        #expect(JSONNumber(literal: literal)?.canonical == canonical)
    }

    @Test(arguments: [
        "", "{", "[1,]", "{\"a\":1,}", "{'a':1}", "NaN", "Infinity", "-Infinity", "01", "1.", ".5", "+1", "1e",
        "\"\\x\"", "\"a\nb\"", "{\"a\":1}{", "tru", "[1 2]", "\"\\ud800\"", "\"\\udc00\"", "1e9999999999", "1e400",
        "-1e400", "1e-400", "1.8e308",
        "{\"a\":1,\"a\":2}", "\"abc",
    ])
    func malformedInputIsRefused(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONParser().parse(text) }
    }

    @Test func invalidUTF8IsRefused() {
        let bytes: [UInt8] = [0x22, 0xC3, 0x28, 0x22]
        #expect(throws: JSONParseError.self) { try JSONParser().parse(bytes) }
        #expect(throws: JSONParseError.self) { try JSONParser().parse([0x22, 0xFF, 0x22]) }
    }

    @Test func deepNestingStopsAtTheLimitWithoutCrashing() throws {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        do {
            _ = try JSONParser().parse(deep)
            Issue.record("10,000 levels must be refused")
        } catch {
            #expect(error.message.contains("nesting deeper than 64"))
        }
        let ok = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(throws: Never.self) { try JSONParser().parse(ok) }
    }

    @Test func duplicateKeysAreNamed() {
        do {
            _ = try JSONParser().parse(#"{"to": "a@x.io", "to": "b@x.io"}"#)
            Issue.record("duplicate keys must be refused")
        } catch {
            #expect(error.message == #"duplicate key "to" in object"#)
            #expect(error.offset == 17)
        }
    }

    @Test func stringsAndEscapesRoundTrip() throws {
        let value = try JSONParser().parse(#"{"s": "a\"b\\c\/d\n\u00e9\ud83d\ude00\u0001", "b": [true, false, null]}"#)
        #expect(value["s"] == .string("a\"b\\c/d\né😀\u{01}"))
        #expect(value.canonicalText == #"{"b":[true,false,null],"s":"a\"b\\c/d\né😀\u0001"}"#)
        #expect(try JSONParser().parse(value.canonicalText) == value)
        #expect(try JSONParser().parse(value.prettyText) == value)
    }

    /// A string with nothing to escape is written whole; one escape anywhere sends it through the
    /// scalar-by-scalar path. Both must write the same bytes as before.
    @Test(arguments: [
        ("Zoë paid €12 😀", #""Zoë paid €12 😀""#),
        ("tab\there", #""tab\there""#),
        ("end quote\"", #""end quote\"""#),
        ("bell\u{07} and é", #""bell\u0007 and é""#),
        ("", #""""#),
    ])
    func aStringIsWrittenWholeOnlyWhenItNeedsNoEscape(text: String, json: String) throws {
        #expect(JSONValue.string(text).canonicalText == json)
        #expect(try JSONParser().parse(json) == .string(text))
    }
}
