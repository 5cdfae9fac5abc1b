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
        for path in proposed.text.keys.sorted()
        where contentWords(proposed.text[path]!) != contentWords(candidate.text[path]!) {
            return Judgement(.unsure, "field \"\(path)\" uses different words")
        }
        return Judgement(.duplicate, "same content words in every text field")
    }

    static func contentWords(_ text: String) -> Set<String> {
        Set(TextFeatures.words(text).filter { !stopWords.contains($0) }.map(OppositeActions.stem))
    }
}
