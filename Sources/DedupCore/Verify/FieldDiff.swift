/// What differs between the two values of one text field, as the safety check's token alignment sees it.
///
/// Counts are of unmatched tokens (both sides together) unless said otherwise. A calibrated pair model
/// reads these through ``features``; their names and meaning are stable.
public struct FieldDiff: Sendable, Hashable {
    /// Numbers added, removed or changed (`100` vs `200`, `two` vs `3`).
    public var numbers = 0
    /// Signs and operators added, removed or changed (`+` vs `-`, `$` vs `€`, `>` vs `<`).
    public var symbols = 0
    /// The difference in the number of negations (`not`, `n't`, `never`, `no longer`, `without`).
    public var negations = 0
    /// Names and identifiers on one side only (`Lisbon` vs `Porto`, `db-1` vs `db-2`).
    public var entities = 0
    /// Order and role changes: names, numbers or identifiers in another order (A→B vs B→A), two words
    /// swapping places, or a word moving between directional roles (`from alice` vs `to alice`).
    public var order = 0
    /// Antonyms on opposite sides (`enable` / `disable`, `scale up` / `scale down`).
    public var oppositeVerbs = 0
    /// Content words only the proposed (first) text has.
    public var contentAdded = 0
    /// Content words only the candidate (second) text has.
    public var contentRemoved = 0
    /// Content words both texts have but in another order ("a dog carrying a man" / "a man carrying a
    /// dog"): not a veto — rewordings reorder too — but not harmless either.
    public var moved = 0
    /// Content words (not stop words) in the first text.
    public var contentWordsA = 0
    /// Content words in the second text.
    public var contentWordsB = 0
    /// Tokens in the first text.
    public var tokensA = 0
    /// Tokens in the second text.
    public var tokensB = 0
    /// The field holds code (SQL, shell, a path, URL, JSON, markup) compared exactly, and it differs.
    public var codeDiffers = false
    /// The content words only the first text has (case-folded, in text order): what ``contentAdded`` counts.
    public var addedWords: [String] = []
    /// The content words only the second text has: what ``contentRemoved`` counts.
    public var removedWords: [String] = []
    /// Every content word of the first text, in order (for a content-only comparison of the two texts).
    public var contentA: [String] = []
    /// Every content word of the second text, in order.
    public var contentB: [String] = []

    /// An empty diff.
    public init() {}

    /// The first veto that applies, in words, or `nil` when every difference is harmless or a rewording.
    public var veto: String? {
        if codeDiffers { return "the code differs" }
        if numbers > 0 { return "a number differs" }
        if symbols > 0 { return "a sign or symbol differs" }
        if negations > 0 { return "one text is negated and the other is not" }
        if oppositeVerbs > 0 { return "the texts name opposite actions" }
        if entities > 0 { return "a name or identifier differs" }
        if order > 0 { return "the order or roles of names, numbers or words differ" }
        return nil
    }

    /// Only harmless differences: case, punctuation, whitespace, stop words, inflection, contractions;
    /// the content words the same and in the same order.
    public var isHarmless: Bool { veto == nil && contentAdded == 0 && contentRemoved == 0 && moved == 0 }

    /// Only stop words differ (or nothing does).
    public var stopWordOnly: Bool { isHarmless }

    /// Dice overlap of the two texts' content words: 1 when they share every content word.
    public var contentSimilarity: Double {
        let total = contentWordsA + contentWordsB
        guard total > 0 else { return 1 }
        let shared = Double(total - contentAdded - contentRemoved)
        return shared / Double(total)
    }

    /// Whether the fields differ by one content word added or removed on one side only ("a child" /
    /// "a young child"), with at least two content words kept.
    public var addsOneWord: Bool {
        veto == nil && moved == 0 && contentAdded + contentRemoved == 1 && min(contentWordsA, contentWordsB) >= 2
    }

    /// The diff as named numbers, for a pair model; names are stable.
    public var features: [String: Double] {
        [
            "numbers": Double(numbers), "symbols": Double(symbols), "negations": Double(negations),
            "entities": Double(entities), "order": Double(order), "opposite_verbs": Double(oppositeVerbs),
            "moved": Double(moved), "content_added": Double(contentAdded), "content_removed": Double(contentRemoved),
            "content_words_a": Double(contentWordsA), "content_words_b": Double(contentWordsB),
            "tokens_a": Double(tokensA), "tokens_b": Double(tokensB),
            "stop_word_only": stopWordOnly ? 1 : 0, "code_differs": codeDiffers ? 1 : 0,
            "content_similarity": contentSimilarity,
        ]
    }
}
