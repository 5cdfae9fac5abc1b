/// One token of a text field as the safety check aligns it.
///
/// The safety check compares texts token by token, so a token keeps what a bag of n-grams loses: symbols
/// (`+`, `-`, `$`, `%` …) are tokens of their own, numbers are read by value (`1,250` = `1250`,
/// `two` = `2`), identifiers (`db-1`, `INV-42`, `api.example.com`) stay whole, and a capitalised word that
/// does not start a sentence, or one the ``NameLexicon`` knows, is flagged as a possible name.
public struct SafetyToken: Sendable, Hashable {
    /// What the token is, which decides how a difference in it is judged.
    public enum Kind: String, Sendable, Hashable {
        /// A word of letters.
        case word
        /// A number, canonical (`1250`, `0.5`), or a magnitude word (`million`).
        case number
        /// A sign or operator: `+ - < > = $ € £ ¥ % # ! & * / ^ | ~` and runs of them (`>=`, `->`).
        case symbol
        /// Letters and digits or joiners in one run: `db-1`, `q3`, `v1.2.3`, `user_id`, `bob@x.com`.
        case identifier
    }

    /// The case-folded text.
    public let text: String
    /// The kind.
    public let kind: Kind
    /// Written with a capital (or in capitals) somewhere other than a sentence's start, or a known name
    /// opening a sentence: a possible name.
    public let capitalised: Bool
    /// What alignment compares: words by their stem ("invoices" = "invoice"), the rest as written.
    /// Stored, not computed: a comparison reads it many times per token.
    let key: String

    /// A token.
    public init(_ text: String, _ kind: Kind, capitalised: Bool = false) {
        self.text = text
        self.kind = kind
        self.capitalised = capitalised
        self.key = kind == .word ? StructuralVerifier.stem(text) : text
    }

    /// Names and identifiers: a difference in them is a different thing acted on.
    public var isEntity: Bool { kind == .identifier || (kind == .word && capitalised) }
}
