/// The closed word classes the safety check needs: words that carry no fact, words that negate, and
/// the prepositions that give an argument its role.
///
/// These are function words of English — small, closed classes — so a list is the right tool; content
/// words (open classes) are never listed.
public enum SafetyLexicon {
    /// Words whose addition or removal changes no fact: articles, courtesy, auxiliaries, pronouns and
    /// the prepositions (their *role* is checked separately, see ``directionalRoles``).
    public static let stopWords: Set<String> = [
        "a", "an", "the", "please", "kindly", "to", "for", "of", "and", "or", "is", "are", "be", "this", "that",
        "it", "its", "my", "our", "your", "we", "i", "you", "me", "us", "can", "could", "would", "will", "shall",
        "just", "now", "hi", "hello", "hey", "thanks", "thank", "with", "on", "at", "by", "from", "as", "so",
        "do", "does", "did", "some", "any", "all", "there", "here", "also", "quick", "quickly", "again", "was",
        "were", "been", "being", "has", "have", "had", "am", "in", "into", "these", "those", "his", "her",
        "their", "them", "they", "he", "she", "him", "should", "may", "might", "must", "about", "which", "who", "whom",
        "what", "when", "where", "how", "if", "then", "than", "very", "really",
        "go", "ahead", "ok", "okay", "sure", "dear", "regards", "cheers", "let", "lets", "know", "want", "need",
        "attached", "following",
    ]

    /// Words that negate what follows. `no longer` is `no`; contractions arrive expanded (`n't` → `not`).
    public static let negations: Set<String> = [
        "not", "no", "never", "without", "none", "nobody", "nothing", "nowhere", "neither", "nor", "cannot",
        "unable",
    ]

    /// Antonyms beyond ``OppositeActions/pairs``: particles and adjectives that flip an action
    /// ("scale up" / "scale down", "log in" / "log out", "ascending" / "descending").
    public static let oppositeWords: [(String, String)] = [
        ("up", "down"), ("in", "out"), ("upgrade", "downgrade"), ("true", "false"), ("asc", "desc"),
        ("ascending", "descending"), ("max", "min"), ("before", "after"), ("above", "below"), ("over", "under"),
        ("more", "less"), ("high", "low"), ("first", "last"), ("push", "pull"), ("import", "export"),
        ("encrypt", "decrypt"), ("upload", "download"), ("plus", "minus"), ("inbound", "outbound"),
        ("promote", "demote"), ("attach", "detach"), ("mount", "unmount"), ("freeze", "unfreeze"),
        ("ban", "unban"), ("block", "unblock"), ("public", "private"), ("read", "write"), ("win", "lose"),
        ("expand", "collapse"), ("internal", "external"), ("primary", "replica"), ("yes", "no"),
        ("always", "never"), ("all", "none"), ("success", "failure"), ("pass", "fail"), ("north", "south"),
        ("east", "west"), ("left", "right"), ("forward", "backward"), ("earlier", "later"), ("early", "late"),
        ("input", "output"), ("enter", "exit"), ("arrive", "depart"), ("incoming", "outgoing"),
    ]

    /// Determiners skipped when looking for the preposition that governs a word ("from *the* staging db").
    static let determiners: Set<String> = [
        "a", "an", "the", "my", "our", "your", "his", "her", "their", "its", "this", "that", "these", "those",
        "each", "every", "both",
    ]

    /// Prepositions that give an argument a direction or role: a word moving from one of these to another
    /// ("from alice" → "to alice") is a different action, even when every word is still there.
    public static let directionalRoles: Set<String> = [
        "from", "to", "into", "onto", "toward", "towards", "before", "after", "over", "under", "above", "below",
        "than", "by", "via", "instead", "against", "between", "out",
    ]

    /// Whether `token` is a function word whose presence changes no fact.
    static func isStopWord(_ token: SafetyToken) -> Bool {
        token.kind == .word && !token.capitalised && stopWords.contains(token.text) && !negations.contains(token.text)
    }

    /// Whether `token` is a negation.
    static func isNegation(_ token: SafetyToken) -> Bool {
        token.kind == .word && negations.contains(token.text)
    }
}
