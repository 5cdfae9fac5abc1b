import DedupCore
import Testing

/// The pair features remember candidates' embeddings between judgements; what they remember must never
/// change a feature.
@Suite struct PairFeaturesCacheTests {
    @Test func rememberedEmbeddingsGiveTheSameFeaturesAsFreshOnes() throws {
        let bundled = try PairFeatures.bundled()
        let fresh = PairFeatures(hashing: bundled.hashing, learned: bundled.learned, cacheBudgetBytes: 0)
        let remembering = PairFeatures(hashing: bundled.hashing, learned: bundled.learned)
        let stored = [
            "The build is failing on main again.",
            "Ship 2 replacement units to the Denver office",
            "You don't have to resubmit the form, we already have it.",
        ]
        let proposed = [
            "The build fails on main again.",
            "Ship two replacement units to the Denver office",
            "You do not need to resubmit the form, we already have it.",
            "Transfer the domain from alice to bob",
        ]
        // Every proposed text against every stored one, twice: the second round reads what the first
        // remembered (the stored texts, their content words, each unmatched word).
        for _ in 0..<2 {
            for mine in proposed {
                for theirs in stored {
                    let (a, b) = (FieldSignature(text: ["message": mine]), FieldSignature(text: ["message": theirs]))
                    #expect(remembering.values(a, b) == fresh.values(a, b), "\(mine) / \(theirs)")
                }
            }
        }
    }
}
