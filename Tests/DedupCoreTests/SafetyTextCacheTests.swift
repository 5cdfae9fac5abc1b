import DedupCore
import Testing

/// The candidate analysis cache: what it returns is what analysing the text gives, and it stays inside
/// its budget.
@Suite struct SafetyTextCacheTests {
    @Test func aCachedAnalysisIsTheAnalysisOfTheText() {
        let cache = SafetyTextCache()
        let texts = ["Transfer ownership of the repo from alice to bob", "We can't approve the $1,250 invoice"]
        for text in texts {
            let first = cache.analysis(of: text)
            let again = cache.analysis(of: text)
            #expect(first.tokens == SafetyText(text).tokens)
            #expect(again.tokens == first.tokens)
        }
        #expect(cache.count == texts.count)
        let signature = FieldSignature(text: ["body": texts[1], "title": "Invoice"])
        let fields = cache.fields(of: signature)
        #expect(fields.keys.sorted() == ["body", "title"])
        #expect(fields["title"]?.tokens == SafetyText("Invoice").tokens)
    }

    @Test func aProposedCallIsAnalysedFromItsTokensAndRememberedForItsRetries() throws {
        let cache = SafetyTextCache()
        let call = try Normalizer()
            .normalize(
                ToolCall(
                    tenant: "t",
                    scope: "s",
                    tool: "send_email",
                    arguments: [
                        "subject": "Refund of $1,250", "body": "We can't approve the invoice from alice to bob",
                    ]
                )
            )
        let fields = cache.fields(of: call)
        let direct = SafetyText.fields(of: call)
        #expect(fields.keys.sorted() == direct.keys.sorted())
        for (path, text) in direct {
            #expect(fields[path]?.tokens == text.tokens)
            #expect(fields[path]?.tokens == SafetyText(call.signature.text[path]!).tokens)
        }
        #expect(cache.lookups.misses == direct.count)
        // The same call as a stored candidate: every field comes from the cache.
        _ = cache.fields(of: call.signature)
        #expect(cache.lookups.hits == direct.count)
        #expect(cache.lookups.misses == direct.count)
    }

    @Test func theCacheKeepsToItsBudget() {
        let cache = SafetyTextCache(budgetBytes: 4096)
        for number in 0..<1000 { _ = cache.analysis(of: "Ship order \(number) to the Denver office today") }
        // Two generations of at most 4 KiB each, every entry charged at least 256 bytes.
        #expect(cache.count <= 2 * 4096 / 256)
        #expect(cache.count > 0)
        let disabled = SafetyTextCache(budgetBytes: 0)
        #expect(disabled.analysis(of: "Deploy v1.2.3").tokens == SafetyText("Deploy v1.2.3").tokens)
        #expect(disabled.count == 0)
    }

    @Test func anEntryInUseSurvivesTheGenerationsThatFillBesideIt() {
        let cache = SafetyTextCache(budgetBytes: 4096)
        let hot = "Rotate the staging TLS certificate"
        _ = cache.analysis(of: hot)
        // A generation holds a handful of these entries; the hot text is asked for every third one, so
        // it is always in the young generation or the one before.
        for number in 0..<200 {
            _ = cache.analysis(of: "Page the on-call engineer about incident \(number)")
            if number.isMultiple(of: 3) { _ = cache.analysis(of: hot) }
        }
        let lookups = cache.lookups
        #expect(lookups.misses == 201, "each text analysed once: the hot one was never evicted")
        #expect(lookups.hits == 67)
        #expect(cache.count < 20, "the cold texts were evicted")
    }
}
