/// The built-in verifier: compares the pair field by field with the ``SafetyCheck``, with no model and no
/// network.
///
/// Distinct when an identity field differs, the set of text fields differs, or any text field has a
/// vetoing difference (number, sign, negation, name, opposite verb, order or role). Duplicate when every
/// text field differs only harmlessly (case, punctuation, stop words, inflection, contractions, word
/// order of ordinary words), or one field adds or drops a single content word. Otherwise unsure — and
/// the tool's fallback, `new` by default, decides.
public struct StructuralVerifier: Verifier {
    /// Words that carry no action ("the", "please", …), ignored when comparing content words.
    public static var stopWords: Set<String> { SafetyLexicon.stopWords }

    /// The structural verifier.
    public init() {}

    /// Judges the pair as described on the type.
    public func verify(_ proposed: NormalizedCall, against candidate: CallRecord, score: Double) async -> Judgement {
        Self.judge(proposed.signature, candidate.signature)
    }

    /// The judgement, synchronously.
    public static func judge(_ proposed: FieldSignature, _ candidate: FieldSignature) -> Judgement {
        judge(proposed, candidate, diff: SafetyCheck.compare(proposed, candidate))
    }

    /// The judgement from an already computed diff of the two signatures' text fields.
    public static func judge(_ proposed: FieldSignature, _ candidate: FieldSignature, diff: PairDiff) -> Judgement {
        if let path = proposed.identity.keys.sorted().first(where: { proposed.identity[$0] != candidate.identity[$0] })
            ?? candidate.identity.keys.sorted().first(where: { proposed.identity[$0] == nil })
        {
            return Judgement(.distinct, "identity field \"\(path)\" differs")
        }
        if let veto = diff.veto { return Judgement(.distinct, veto) }
        let changed = diff.fields.keys.sorted().filter { !diff.fields[$0]!.isHarmless }
        if changed.isEmpty { return Judgement(.duplicate, "same content words in every text field") }
        guard changed.count == 1 else { return Judgement(.unsure, "several text fields differ") }
        guard diff.fields[changed[0]]!.addsOneWord else {
            return Judgement(.unsure, "field \"\(changed[0])\" uses different words")
        }
        return Judgement(.duplicate, "one text field adds a single word")
    }

    /// Content words in order, lower-cased and stemmed: stop words dropped, "peels" and "peeling" both "peel".
    static func contentWordSequence(_ text: String) -> [String] {
        SafetyTokenizer.tokens(text).filter(SafetyCheck.isContent).map(\.key)
    }

    /// A light suffix stripper: enough to match inflections, never to merge different words' roots.
    static func stem(_ word: String) -> String {
        if let stem = ASCIIStemmer.stem(word) { return stem }
        return generalStem(word)
    }

    /// ``stem(_:)`` over `Character`s, for any word (``ASCIIStemmer`` runs the same rules on bytes).
    static func generalStem(_ word: String) -> String {
        let action = OppositeActions.generalStem(word)
        if action != word || OppositeActions.isActionWord(word) { return action }
        var root = word
        for suffix in ["ing", "ed", "es", "s"] where word.count >= suffix.count + 3 && word.hasSuffix(suffix) {
            if suffix == "s" && word.hasSuffix("ss") { return word }
            root = String(word.dropLast(suffix.count))
            // "running" → "run", "stopped" → "stop".
            if let last = root.last, root.count >= 4, root.dropLast().last == last, !"aeiou".contains(last) {
                root.removeLast()
            }
            break
        }
        // A silent final "e" goes too, so "update", "updated" and "updating" share "updat".
        if root.count >= 4 && root.hasSuffix("e") { root.removeLast() }
        return root
    }
}
