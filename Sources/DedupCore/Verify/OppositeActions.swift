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

    /// Words that negate what follows.
    public static let negations: Set<String> = [
        "not", "no", "never", "dont", "don't", "doesnt", "doesn't", "didnt", "didn't", "wont", "won't", "cant",
        "can't", "cannot", "shouldnt", "shouldn't", "isnt", "isn't", "arent", "aren't", "without", "neither", "nor",
    ]

    /// A reason the two texts name opposite actions (or one negates the other), or `nil` when they agree.
    public static func conflict(_ lhs: String, _ rhs: String) -> String? {
        let left = Set(TextFeatures.words(lhs).map(stem))
        let right = Set(TextFeatures.words(rhs).map(stem))
        for (first, second) in pairs {
            let (leftFirst, leftSecond) = (left.contains(first), left.contains(second))
            let (rightFirst, rightSecond) = (right.contains(first), right.contains(second))
            if leftFirst && !leftSecond && rightSecond && !rightFirst {
                return "opposite actions: \"\(first)\" vs \"\(second)\""
            }
            if leftSecond && !leftFirst && rightFirst && !rightSecond {
                return "opposite actions: \"\(second)\" vs \"\(first)\""
            }
        }
        if properNouns(lhs) != properNouns(rhs) {
            return "the texts name different people, places or things"
        }
        let leftNegations = TextFeatures.words(lhs).filter { negations.contains($0) }.count
        let rightNegations = TextFeatures.words(rhs).filter { negations.contains($0) }.count
        if leftNegations % 2 != rightNegations % 2 {
            return "one text is negated and the other is not"
        }
        return nil
    }

    /// Capitalised words that do not start a sentence — names of people, places, products — lower-cased.
    /// Like the numbers in a text, they are identity: "Obama gets credit" is not "Bush gets credit".
    static func properNouns(_ text: String) -> Set<String> {
        var names = Set<String>()
        var sentenceStart = true
        for token in text.split(whereSeparator: { $0.isWhitespace }) {
            let word = token.drop(while: { !$0.isLetter && !$0.isNumber })
            if let first = word.first, first.isUppercase, !sentenceStart {
                names.insert(String(word.prefix(while: { $0.isLetter || $0.isNumber })).lowercased())
            }
            if !word.isEmpty { sentenceStart = false }
            if let last = token.last, ".!?:;\n".contains(last) { sentenceStart = true }
        }
        return names
    }

    /// Reduces inflections of the action words, so "enabled", "enables" and "enabling" all read "enable".
    static func stem(_ word: String) -> String {
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
