/// The built-in verifier: compares the pair field by field, with no model and no network.
///
/// Distinct when an identity field differs, the set of fields differs, or the texts name opposite
/// actions ("enable" / "disable", a negation on one side only). Duplicate when every text field has the
/// same content words once case, punctuation, word order, stop words and inflections are set aside.
/// Otherwise unsure — and the tool's fallback, `new` by default, decides.
public struct StructuralVerifier: Verifier {
    /// Words that carry no action ("the", "please", …), ignored when comparing content words.
    public static let stopWords: Set<String> = [
        "a", "an", "the", "please", "kindly", "to", "for", "of", "and", "or", "is", "are", "be", "this", "that",
        "it", "its", "my", "our", "your", "we", "i", "you", "me", "us", "can", "could", "would", "will", "shall",
        "just", "now", "hi", "hello", "hey", "thanks", "thank", "with", "on", "at", "by", "from", "as", "so",
        "do", "does", "some", "any", "all", "there", "here", "also", "quick", "quickly", "again",
    ]

    /// The structural verifier.
    public init() {}

    /// Judges the pair as described on the type.
    public func verify(_ proposed: NormalizedCall, against candidate: CallRecord, score: Double) async -> Judgement {
        Self.judge(proposed.signature, candidate.signature)
    }

    /// The judgement, synchronously.
    public static func judge(_ proposed: FieldSignature, _ candidate: FieldSignature) -> Judgement {
        if let path = proposed.identity.keys.sorted().first(where: { proposed.identity[$0] != candidate.identity[$0] })
            ?? candidate.identity.keys.sorted().first(where: { proposed.identity[$0] == nil })
        {
            return Judgement(.distinct, "identity field \"\(path)\" differs")
        }
        guard Set(proposed.text.keys) == Set(candidate.text.keys) else {
            return Judgement(.distinct, "the calls have different text fields")
        }
        for path in proposed.text.keys.sorted() {
            if let conflict = OppositeActions.conflict(proposed.text[path]!, candidate.text[path]!) {
                return Judgement(.distinct, "field \"\(path)\": \(conflict)")
            }
        }
        var added = 0
        for path in proposed.text.keys.sorted() {
            let mine = contentWordSequence(proposed.text[path]!)
            let theirs = contentWordSequence(candidate.text[path]!)
            // Same words in the same order; "a dog carrying a man" is not "a man carrying a dog".
            guard mine != theirs else { continue }
            // One side adds a single content word ("a young child" / "a child"): still the same message.
            let (smaller, larger) = mine.count < theirs.count ? (mine, theirs) : (theirs, mine)
            guard smaller.count >= 2, larger.count - smaller.count == 1, isSubsequence(smaller, of: larger) else {
                return Judgement(.unsure, "field \"\(path)\" uses different words or another word order")
            }
            added += 1
        }
        guard added <= 1 else { return Judgement(.unsure, "several text fields differ") }
        return Judgement(
            .duplicate,
            added == 0 ? "same content words in every text field" : "one text field adds a single word"
        )
    }

    /// Content words in order, lower-cased and stemmed: stop words dropped, "peels" and "peeling" both "peel".
    static func contentWordSequence(_ text: String) -> [String] {
        TextFeatures.words(text).filter { !stopWords.contains($0) && !isAuxiliary($0) }.map(stem)
    }

    private static func isSubsequence(_ short: [String], of long: [String]) -> Bool {
        var position = long.startIndex
        for word in short {
            guard let found = long[position...].firstIndex(of: word) else { return false }
            position = found + 1
        }
        return true
    }

    private static func isAuxiliary(_ word: String) -> Bool {
        ["was", "were", "been", "being", "has", "have", "had", "am"].contains(word)
    }

    /// A light suffix stripper: enough to match inflections, never to merge different words' roots.
    static func stem(_ word: String) -> String {
        let action = OppositeActions.stem(word)
        if action != word { return action }
        for suffix in ["ing", "ed", "es", "s"] where word.count >= suffix.count + 3 && word.hasSuffix(suffix) {
            if suffix == "s" && word.hasSuffix("ss") { return word }
            var root = String(word.dropLast(suffix.count))
            // "running" → "run", "stopped" → "stop".
            if let last = root.last, root.count >= 4, root.dropLast().last == last, !"aeiou".contains(last) {
                root.removeLast()
            }
            return root
        }
        return word
    }
}
