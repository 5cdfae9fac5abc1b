import DedupCore
import Testing

/// One row of the normalisation table: two argument objects (and tools) that must or must not be
/// the same call after normalisation.
struct NormalizationCase: Sendable, CustomTestStringConvertible {
    let name: String
    let first: JSONValue
    let second: JSONValue
    let secondTool: String?
    let same: Bool

    init(_ name: String, _ first: JSONValue, _ second: JSONValue, tool: String? = nil, same: Bool) {
        self.name = name
        self.first = first
        self.second = second
        self.secondTool = tool
        self.same = same
    }

    var testDescription: String { name }
}

@Suite struct NormalizationTests {
    static let equal: [NormalizationCase] = [
        .init("key order", ["a": 1, "b": "x"], .object(["b": "x", "a": 1]), same: true),
        .init("4999 vs 4999.0", ["amount": 4999], ["amount": 4999.0], same: true),
        .init("4999 vs \"4999\"", ["amount": 4999], ["amount": "4999"], same: true),
        .init("4999.50 vs 4999.5", ["amount": "4999.50"], ["amount": 4999.5], same: true),
        .init("exponent form", ["amount": 4999], ["amount": .number(JSONNumber(literal: "4.999e3")!)], same: true),
        .init("negative zero", ["delta": 0], ["delta": .number(JSONNumber(literal: "-0.0")!)], same: true),
        .init("leading/trailing whitespace", ["city": "Paris"], ["city": "  Paris \n"], same: true),
        .init("inner whitespace collapsed", ["title": "Disk  full\ton db"], ["title": "Disk full on db"], same: true),
        .init("e-mail case", ["to": "Alice@Example.COM"], ["to": "alice@example.com"], same: true),
        .init("e-mail with spaces around", ["to": " bob@example.com "], ["to": "bob@example.com"], same: true),
        .init(
            "dropped timestamp",
            ["to": "a@b.co", "timestamp": "2026-01-01T00:00:00Z"],
            ["to": "a@b.co"],
            same: true
        ),
        .init("dropped request_id", ["id": 1, "request_id": "req_1"], ["id": 1, "request_id": "req_2"], same: true),
        .init("dropped traceId", ["id": 1, "traceId": "abc"], ["id": 1], same: true),
        .init("dropped nonce", ["id": 1, "nonce": "n1"], ["id": 1, "nonce": "n2"], same: true),
        .init("dropped created_at", ["id": 1, "created_at": 1_700_000_000], ["id": 1], same: true),
        .init("NFKC full-width digits", ["code": "ＡＢＣ１２３"], ["code": "ABC123"], same: true),
        .init("NFKC ligature", ["word": "ﬁle"], ["word": "file"], same: true),
        .init("composed vs decomposed", ["name": "Café"], ["name": "Cafe\u{301}"], same: true),
        .init("nested key order", ["o": ["x": 1, "y": [1, 2]]], ["o": .object(["y": [1, 2], "x": 1])], same: true),
        .init("null arguments vs empty", [:], nil, same: true),
        .init("nested whitespace", ["items": [["sku": " A-1 "]]], ["items": [["sku": "A-1"]]], same: true),
        .init(
            "volatile inside nested",
            ["meta": ["trace_id": "1"], "id": 2],
            ["meta": ["trace_id": "9"], "id": 2],
            same: true
        ),
    ]

    static let distinct: [NormalizationCase] = [
        .init("amount 5000 vs 50000", ["amount": 5000], ["amount": 50000], same: false),
        .init("amount 49.99 vs 4999", ["amount": 49.99], ["amount": 4999], same: false),
        .init("alice@ vs alicia@", ["to": "alice@example.com"], ["to": "alicia@example.com"], same: false),
        .init("cus_42 vs cus_43", ["customer": "cus_42"], ["customer": "cus_43"], same: false),
        .init(
            "enable vs disable",
            ["action": "enable", "feature": "sso"],
            ["action": "disable", "feature": "sso"],
            same: false
        ),
        .init("2026-01-05 vs 2026-05-01", ["date": "2026-01-05"], ["date": "2026-05-01"], same: false),
        .init("a different tool", ["id": 1], ["id": 1], tool: "delete_user", same: false),
        .init("zip with leading zero stays text", ["zip": "02139"], ["zip": "2139"], same: false),
        .init(
            "large ids that round to one Double",
            ["id": .number(JSONNumber(literal: "12345678901234567890")!)],
            ["id": .number(JSONNumber(literal: "12345678901234567891")!)],
            same: false
        ),
        // An LLM writes booleans as strings ("True", "true"): the same value.
        .init("true vs \"true\"", ["flag": true], ["flag": "true"], same: true),
        .init("null vs missing", ["note": nil, "id": 1], ["id": 1], same: false),
        .init("array order matters", ["to": ["a@x.io", "b@x.io"]], ["to": ["b@x.io", "a@x.io"]], same: false),
        .init(
            "currency usd vs eur",
            ["amount": 10, "currency": "usd"],
            ["amount": 10, "currency": "eur"],
            same: false
        ),
        .init("case of a non-e-mail id", ["sku": "AB-1"], ["sku": "ab-1"], same: false),
        .init("negative amount", ["amount": 10], ["amount": -10], same: false),
        .init("extra field", ["id": 1], ["id": 1, "force": true], same: false),
        .init("url path differs", ["url": "https://x.io/a"], ["url": "https://x.io/b"], same: false),
        .init("time differs", ["time": "10:00"], ["time": "11:00"], same: false),
        .init("time field is not volatile", ["time": "10:00"], [:], same: false),
        .init("message_id is not volatile", ["message_id": "m1"], ["message_id": "m2"], same: false),
        .init(
            "1e2 vs 1e3",
            ["n": .number(JSONNumber(literal: "1e2")!)],
            ["n": .number(JSONNumber(literal: "1e3")!)],
            same: false
        ),
        .init("nested id differs", ["o": ["id": 1]], ["o": ["id": 2]], same: false),
        .init("ambiguous numeric date is not guessed", ["date": "01/05/2026"], ["date": "2026-01-05"], same: false),
        .init("impossible date stays text", ["date": "February 30, 2026"], ["date": "2026-03-02"], same: false),
        .init("case of a word with digits", ["code": "Abc1"], ["code": "abc1"], same: false),
    ]

    @Test(arguments: equal + distinct)
    func table(_ row: NormalizationCase) throws {
        let normalizer = Normalizer()
        let first = try normalizer.normalize(ToolCall(tenant: "t", scope: "s", tool: "do_thing", arguments: row.first))
        let second = try normalizer.normalize(
            ToolCall(tenant: "t", scope: "s", tool: row.secondTool ?? "do_thing", arguments: row.second)
        )
        if row.same {
            #expect(first.fingerprint == second.fingerprint, "\(first.canonical) vs \(second.canonical)")
            #expect(first.signature == second.signature)
        } else {
            #expect(first.fingerprint != second.fingerprint, "\(first.canonical)")
            if row.secondTool == nil {
                // Not just a different hash: the difference is in an identity field, so the semantic layer
                // can never call them the same action either.
                #expect(first.signature.identityGroup != second.signature.identityGroup)
            }
        }
    }

    @Test func tableIsLargeEnough() {
        #expect(Self.equal.count + Self.distinct.count >= 40)
    }

    @Test func classesFieldsConservatively() throws {
        let call = try Normalizer()
            .normalize(
                ToolCall(
                    tenant: "t",
                    scope: "s",
                    tool: "send_email",
                    arguments: [
                        "to": "bob@example.com", "subject": "Quarterly report", "amount": 12,
                        "body": "Hi Bob, the report for Q3 is attached", "city": "New York",
                        "note": "Call me about the 3 open items before Friday",
                    ]
                )
            )
        #expect(Set(call.signature.text.keys) == ["subject", "body", "note"])
        #expect(call.signature.identity["to"] == "\"bob@example.com\"")
        // Short letter-only phrases are compared without case.
        #expect(call.signature.identity["city"] == "\"new york\"")
        #expect(call.signature.identity["amount"] == "12")
        // Numbers inside prose are identity too.
        #expect(call.signature.identity["body#numbers"] == "3")
        #expect(call.signature.identity["note#numbers"] == "3")
    }

    @Test func policyNamesFieldsAndDropsIgnoredOnes() throws {
        let policies = try PolicySet(
            json: JSONParser()
                .parse(
                    #"{"tools": {"create_ticket": {"identity": ["project"], "text": ["summary"], "ignore": ["draft_id"]}}}"#
                )
        )
        let normalizer = Normalizer(policies: policies)
        let call = try normalizer.normalize(
            ToolCall(
                tenant: "t",
                scope: "s",
                tool: "create_ticket",
                arguments: ["project": "OPS", "summary": "Disk", "draft_id": "d1", "labels": ["a"]]
            )
        )
        #expect(call.droppedFields == ["draft_id"])
        #expect(call.signature.text["summary"] == "disk")
        #expect(call.intentKey != nil)
        let other = try normalizer.normalize(
            ToolCall(tenant: "t", scope: "s", tool: "create_ticket", arguments: ["project": "OPS", "summary": "Other"])
        )
        #expect(other.intentKey == call.intentKey)
        #expect(try Normalizer().normalize(ToolCall(tenant: "t", scope: "s", tool: "x")).intentKey == nil)
    }

    @Test(arguments: [
        #"[]"#, #"{"tools": []}"#, #"{"tools": {"x": {"identity": "to"}}}"#,
        #"{"tools": {"x": {"duplicate_threshold": 2}}}"#, #"{"tools": {"x": {"bogus": 1}}}"#, #"{"tool": {}}"#,
        #"{"tools": {"x": {"duplicate_threshold": 0.8, "borderline_threshold": 0.9}}}"#,
        #"{"tools": {"x": {"verifier_fallback": "maybe"}}}"#,
        #"{"tools": {"x": {"max_false_duplicate_rate": 1.5}}}"#,
        #"{"tools": {"x": {"max_false_duplicate_rate": "low"}}}"#,
    ])
    func badPolicyFilesAreRefused(_ text: String) throws {
        let json = try JSONParser().parse(text)
        #expect(throws: DedupError.self) { try PolicySet(json: json) }
    }

    @Test func refusesNonObjectArgumentsAndEmptyNames() {
        let normalizer = Normalizer()
        for call in [
            ToolCall(tenant: "t", scope: "s", tool: "x", arguments: [1]),
            ToolCall(tenant: "t", scope: "s", tool: "x", arguments: "x"),
            ToolCall(tenant: "", scope: "s", tool: "x"),
            ToolCall(tenant: "t", scope: "s", tool: " "),
            ToolCall(tenant: "t", scope: "s", tool: String(repeating: "x", count: 300)),
            // One grapheme cluster, 301 code points: the limit counts code points, as JSON Schema does.
            ToolCall(tenant: "t", scope: "a" + String(repeating: "\u{0301}", count: 300), tool: "x"),
            ToolCall(tenant: "t", scope: "s", tool: "x", idempotencyKey: "👋" + String(repeating: "🏻", count: 256)),
            ToolCall(tenant: "t", scope: "s", tool: "x", idempotencyKey: ""),
        ] {
            #expect(throws: DedupError.self) { try normalizer.normalize(call) }
        }
    }

    @Test func stableHashesAreFixed() {
        // Pinned values: a change here would orphan every stored key and embedding.
        #expect(StableHash.sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(StableHash.hash64("abc") == StableHash.hash64("abc"))
        #expect(StableHash.hash64("abc", seed: 1) != StableHash.hash64("abc", seed: 2))
    }
}
