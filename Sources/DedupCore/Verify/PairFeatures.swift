/// The named features of a candidate pair that the calibrated pair model reads.
///
/// Features are computed here and only here: `dedup model pair-features` writes them for training, and
/// the verifier computes the same values at run time, so Swift and the Python trainer never disagree on
/// a feature. Each feature has a stable name; a model file lists the names it expects, and new features
/// (e.g. the safety check's diff counts) are appended under new names without breaking older models.
public struct PairFeatures: Sendable {
    /// Every feature this build can compute, in a stable order.
    public static let names = [
        "hash_cos_min", "hash_cos_mean", "learned_cos_min", "learned_cos_mean", "length_ratio_min",
        "tokens_min", "tokens_max", "structural_duplicate", "structural_distinct", "identity_equal",
        "text_fields_equal", "text_field_count", "diff_content_changed", "diff_moved",
        "diff_weakest_content_similarity", "diff_harmless", "content_learned_cos_min", "unmatched_learned_cos_min",
        "unmatched_word_match_min", "unmatched_word_match_mean", "unmatched_content_max", "unmatched_one_sided",
        "content_order_inversions", "unmatched_idf_max", "unmatched_idf_share_max", "unmatched_relative_share",
    ]

    /// The lexical embedder (per-field cosines).
    public let hashing: HashingEmbedder
    /// The learned embedder (per-field cosines).
    public let learned: StaticEmbedder
    /// Both embeddings of stored calls' text fields, by text: a recent call is a candidate of check after
    /// check, and embedding its fields again for each is most of what judging it costs.
    private let fieldVectors: GenerationalCache<TextVectors>
    /// The learned embeddings of short texts (one unmatched word, a field's content words), by text.
    private let shortVectors: GenerationalCache<[Float]>

    /// A feature extractor over both embedders, remembering candidates' embeddings in up to
    /// `cacheBudgetBytes` per cache generation (0 remembers nothing; the features are the same either way).
    public init(hashing: HashingEmbedder, learned: StaticEmbedder, cacheBudgetBytes: Int = 8 << 20) {
        self.hashing = hashing
        self.learned = learned
        // A rough cost per entry: the key, the vectors' floats and the dictionary slot.
        self.fieldVectors = GenerationalCache(budgetBytes: cacheBudgetBytes) { text, vectors in
            128 + 2 * text.utf8.count + 4 * (vectors.hashing.count + vectors.learned.count)
        }
        self.shortVectors = GenerationalCache(budgetBytes: cacheBudgetBytes) { text, vector in
            96 + 2 * text.utf8.count + 4 * vector.count
        }
    }

    /// Both bundled embedders.
    public static func bundled() throws(DedupError) -> PairFeatures {
        PairFeatures(hashing: try HashingEmbedder.bundled(), learned: try StaticEmbedder.bundled())
    }

    /// The features of `proposed` against `candidate`, by name.
    ///
    /// Text fields are compared one by one (a pair is only as alike as its least alike field), over the
    /// fields both calls have; a field with no embeddable text on either side counts as cosine 0.
    public func values(_ proposed: FieldSignature, _ candidate: FieldSignature) -> [String: Double] {
        let diff = SafetyCheck.compare(proposed, candidate)
        var cache: [String: TextVectors] = [:]
        return values(
            proposed,
            candidate,
            diff: diff,
            structural: StructuralVerifier.judge(proposed, candidate, diff: diff),
            proposedVectors: &cache
        )
    }

    /// The features, given the pair's ``SafetyCheck`` diff and ``StructuralVerifier`` judgement (the
    /// verifier has both at hand; computing them again would align every field twice more).
    ///
    /// `proposedVectors` caches the proposed call's per-field embeddings by path: a check compares one
    /// proposed call with several candidates, and embedding its text again for each is most of the cost.
    public func values(
        _ proposed: FieldSignature,
        _ candidate: FieldSignature,
        diff pairDiff: PairDiff,
        structural judgement: Judgement,
        proposedVectors: inout [String: TextVectors]
    ) -> [String: Double] {
        let shared = proposed.text.keys.filter { candidate.text[$0] != nil }.sorted()
        var hashCosines: [Double] = []
        var learnedCosines: [Double] = []
        var lengthRatios: [Double] = []
        var tokenCounts: [Int] = []
        for path in shared {
            let mine = proposed.text[path]!
            let theirs = candidate.text[path]!
            let myVectors = proposedVectors[path] ?? vectors(mine)
            proposedVectors[path] = myVectors
            let theirVectors = fieldVectors.value(for: theirs, make: vectors)
            hashCosines.append(Self.cosine(myVectors.hashing, theirVectors.hashing))
            learnedCosines.append(Self.cosine(myVectors.learned, theirVectors.learned))
            let (myWords, theirWords) = (myVectors.words, theirVectors.words)
            lengthRatios.append(
                max(myWords, theirWords) == 0 ? 1 : Double(min(myWords, theirWords)) / Double(max(myWords, theirWords))
            )
            tokenCounts += [myWords, theirWords]
        }
        // What the alignment saw change, field by field: a content word swapped in a short field
        // ("staging" → "production") is a different fact however alike the rest reads.
        let diff = pairDiff.features
        let unmatched = unmatchedFeatures(pairDiff)
        func mean(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count) }
        var values: [String: Double] = [
            "hash_cos_min": hashCosines.min() ?? 0,
            "hash_cos_mean": mean(hashCosines),
            "learned_cos_min": learnedCosines.min() ?? 0,
            "learned_cos_mean": mean(learnedCosines),
            "length_ratio_min": lengthRatios.min() ?? 0,
            "tokens_min": Double(tokenCounts.min() ?? 0),
            "tokens_max": Double(tokenCounts.max() ?? 0),
            "structural_duplicate": judgement.answer == .duplicate ? 1 : 0,
            "structural_distinct": judgement.answer == .distinct ? 1 : 0,
            "identity_equal": proposed.identity == candidate.identity ? 1 : 0,
            "text_fields_equal": Set(proposed.text.keys) == Set(candidate.text.keys) ? 1 : 0,
            "text_field_count": Double(shared.count),
            "diff_content_changed": (diff["content_added"] ?? 0) + (diff["content_removed"] ?? 0),
            "diff_moved": diff["moved"] ?? 0,
            "diff_weakest_content_similarity": diff["weakest_content_similarity"] ?? 1,
            "diff_harmless": diff["stop_word_only"] ?? 0,
        ]
        // Merged in place: each `merging` copied the whole dictionary, once per group, for every judgement.
        values.merge(unmatched) { first, _ in first }
        values.merge(unmatchedIDFFeatures(pairDiff)) { first, _ in first }
        values["unmatched_relative_share"] = Self.relativeShare(pairDiff)
        return values
    }

    /// What the changed words mean, field by field, through the learned embedder: a synonym swapped in
    /// ("tan" / "beige") keeps a high word-to-word cosine, a different fact ("skating" / "smoking") does
    /// not, however alike the two spellings are.
    ///
    /// - `content_learned_cos_min`: the cosine of the two texts' content words only (stop words dropped);
    ///   0 when one side has none.
    /// - `unmatched_learned_cos_min`: the cosine of the content words left unmatched on each side, over
    ///   fields where both sides have some (1 when none does).
    /// - `unmatched_word_match_min` / `_mean`: for each unmatched content word, its best cosine with an
    ///   unmatched content word of the other side, over the same fields (1 when none).
    /// - `unmatched_content_max`: the most unmatched content words on one side of one field.
    /// - `unmatched_one_sided`: fields where only one side has unmatched content words (a pure addition).
    /// - `content_order_inversions`: the largest share, over fields, of pairs of shared content words
    ///   whose order flips (Kendall distance): "a dog carrying a man" / "a man carrying a dog" swaps who
    ///   does what with the same words, which a bag of embeddings cannot see.
    func unmatchedFeatures(_ diff: PairDiff) -> [String: Double] {
        var contentCosines: [Double] = []
        var unmatchedCosines: [Double] = []
        var wordMatches: [Double] = []
        var most = 0
        var oneSided = 0
        var inversions = 0.0
        for path in diff.fields.keys.sorted() {
            let field = diff.fields[path]!
            inversions = max(inversions, Self.orderInversions(field.contentA, field.contentB))
            if field.contentA.isEmpty && field.contentB.isEmpty {
                contentCosines.append(1)
            } else {
                contentCosines.append(textCosine(field.contentA, field.contentB))
            }
            most = max(most, field.addedWords.count, field.removedWords.count)
            switch (field.addedWords.isEmpty, field.removedWords.isEmpty) {
            case (true, true): continue
            case (false, true), (true, false): oneSided += 1
            case (false, false):
                unmatchedCosines.append(textCosine(field.addedWords, field.removedWords))
                let added = field.addedWords.map(shortEmbedding)
                let removed = field.removedWords.map(shortEmbedding)
                for word in added { wordMatches.append(removed.map { Self.cosine(word, $0) }.max() ?? 0) }
                for word in removed { wordMatches.append(added.map { Self.cosine(word, $0) }.max() ?? 0) }
            }
        }
        return [
            "content_learned_cos_min": contentCosines.min() ?? 1,
            "unmatched_learned_cos_min": unmatchedCosines.min() ?? 1,
            "unmatched_word_match_min": wordMatches.min() ?? 1,
            "unmatched_word_match_mean": wordMatches.isEmpty ? 1 : wordMatches.reduce(0, +) / Double(wordMatches.count),
            "unmatched_content_max": Double(most),
            "unmatched_one_sided": Double(oneSided),
            "content_order_inversions": inversions,
        ]
    }

    /// How much the words left unmatched weigh, by the hashing model's fitted IDF: a rare word changed
    /// ("Lisbon", "refund") is more likely a different fact than a common one ("really", "get").
    ///
    /// - `unmatched_idf_max`: the largest IDF of a content word left unmatched on either side of any field
    ///   (0 when none is).
    /// - `unmatched_idf_share_max`: the unmatched content words' share of their side's content-word IDF
    ///   mass, the largest over both sides and every field (0 when none is): one rare word of three
    ///   changed weighs more than one common word of three.
    func unmatchedIDFFeatures(_ diff: PairDiff) -> [String: Double] {
        var rarest = 0.0
        var share = 0.0
        for field in diff.fields.values {
            for (unmatched, side) in [(field.addedWords, field.contentA), (field.removedWords, field.contentB)] {
                guard !unmatched.isEmpty else { continue }
                let weights = unmatched.map(hashing.idf(ofWord:))
                rarest = max(rarest, weights.max() ?? 0)
                let mass = side.reduce(0) { $0 + hashing.idf(ofWord: $1) }
                if mass > 0 { share = max(share, min(1, weights.reduce(0, +) / mass)) }
            }
        }
        return ["unmatched_idf_max": rarest, "unmatched_idf_share_max": share]
    }

    /// The share of pairs of shared content words (stemmed, each occurring once per side) that the two
    /// texts put in opposite order; 0 with fewer than two shared words.
    static func orderInversions(_ first: [String], _ second: [String]) -> Double {
        let a = first.map(StructuralVerifier.stem)
        let b = second.map(StructuralVerifier.stem)
        let (countsA, countsB) = (Multiset(a), Multiset(b))
        let order = a.filter { countsA.count($0) == 1 && countsB.count($0) == 1 }
        let shared = Set(order)
        var position: [String: Int] = [:]
        for (offset, word) in b.enumerated() where shared.contains(word) { position[word] = offset }
        guard order.count >= 2 else { return 0 }
        var flipped = 0
        for i in 0..<order.count {
            for j in (i + 1)..<order.count where position[order[i]]! > position[order[j]]! { flipped += 1 }
        }
        return Double(flipped) / Double(order.count * (order.count - 1) / 2)
    }

    private func textCosine(_ first: [String], _ second: [String]) -> Double {
        Self.cosine(shortEmbedding(first.joined(separator: " ")), shortEmbedding(second.joined(separator: " ")))
    }

    /// The learned embedding of a word or a field's content words, remembered: the same words come back
    /// with every candidate of a check and with every check of a busy partition.
    private func shortEmbedding(_ text: String) -> [Float] {
        shortVectors.value(for: text) { learned.embed(text: $0) }
    }

    /// One text's embeddings under both embedders.
    public struct TextVectors: Sendable {
        /// The lexical embedding.
        public var hashing: [Float]
        /// The learned embedding.
        public var learned: [Float]
        /// How many words the text has.
        public var words: Int
    }

    /// Both embeddings of `text`.
    public func vectors(_ text: String) -> TextVectors {
        TextVectors(
            hashing: hashing.embed(text: text),
            learned: learned.embed(text: text),
            words: TextFeatures.words(text).count
        )
    }

    static func cosine(_ lhs: [Float], _ rhs: [Float]) -> Double {
        guard lhs.count == rhs.count, !lhs.isEmpty else { return 0 }
        var dot: Float = 0
        for index in lhs.indices { dot += lhs[index] * rhs[index] }
        return Double(dot)
    }
}
