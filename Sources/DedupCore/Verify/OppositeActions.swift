/// Words that turn an action into its opposite, and the check that two texts do not disagree on them.
///
/// Embeddings place "enable the feature" next to "disable the feature"; this guard keeps such pairs
/// apart whatever their score.
public enum OppositeActions {
    /// Pairs of words naming opposite actions.
    public static let pairs: [(String, String)] = [
        ("enable", "disable"), ("activate", "deactivate"), ("cancel", "resume"), ("cancel", "confirm"),
        ("approve", "reject"), ("approve", "deny"), ("accept", "decline"), ("accept", "reject"), ("add", "remove"),
        ("add", "delete"), ("create", "delete"), ("open", "close"), ("lock", "unlock"), ("start", "stop"),
        ("pause", "resume"), ("buy", "sell"), ("subscribe", "unsubscribe"), ("allow", "block"), ("allow", "deny"),
        ("grant", "revoke"), ("increase", "decrease"), ("raise", "lower"), ("on", "off"), ("show", "hide"),
        ("mute", "unmute"), ("follow", "unfollow"), ("archive", "unarchive"), ("publish", "unpublish"),
        ("include", "exclude"), ("upvote", "downvote"), ("like", "unlike"), ("credit", "debit"),
        ("deposit", "withdraw"), ("send", "recall"), ("install", "uninstall"), ("connect", "disconnect"),
        ("pin", "unpin"), ("star", "unstar"), ("assign", "unassign"), ("book", "cancel"),
        ("minimum", "maximum"), ("refund", "charge"), ("hire", "fire"), ("join", "leave"),
    ]

    private static let vocabulary = Set(pairs.flatMap { [$0.0, $0.1] })

    /// Words that negate what follows (contractions are expanded before comparison).
    public static var negations: Set<String> { SafetyLexicon.negations }

    /// A reason the two texts name opposite actions, negate one another, or otherwise cannot be the same
    /// action (the ``SafetyCheck`` veto), or `nil` when they agree.
    public static func conflict(_ lhs: String, _ rhs: String) -> String? {
        SafetyCheck.compare(lhs, rhs).veto
    }

    /// Whether `word` is one of the action words of ``pairs``, as written.
    static func isActionWord(_ word: String) -> Bool { vocabulary.contains(word) }

    /// Reduces inflections of the action words, so "enabled", "enables" and "enabling" all read "enable".
    static func stem(_ word: String) -> String {
        ASCIIStemmer.actionStem(word) ?? generalStem(word)
    }

    /// ``stem(_:)`` over `Character`s, for any word (``ASCIIStemmer`` runs the same rules on bytes).
    static func generalStem(_ word: String) -> String {
        if vocabulary.contains(word) { return word }
        for suffix in ["ing", "ed", "es", "s", "d"] where word.count > suffix.count + 1 && word.hasSuffix(suffix) {
            let root = String(word.dropLast(suffix.count))
            // "stopped" → "stop", "enabled" → "enable".
            for candidate in [root, root + "e", String(root.dropLast())] where vocabulary.contains(candidate) {
                return candidate
            }
        }
        return word
    }
}
