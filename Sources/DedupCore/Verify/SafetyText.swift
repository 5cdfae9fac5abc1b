/// One text field analysed for the ``SafetyCheck``: its tokens and everything a comparison reads from
/// one side only.
///
/// The funnel compares the proposed call with up to ``FunnelConfiguration/candidates`` stored calls, so
/// the proposed side is analysed once per check, not once per candidate: tokenising, stemming and the
/// role scan are most of a comparison's cost.
public struct SafetyText: Sendable {
    /// The tokens, in order.
    public let tokens: [SafetyToken]
    /// Each token's alignment key, in order.
    let keys: [String]
    /// The distinct keys.
    let keySet: Set<String>
    /// Whether the text reads as code (compared exactly, never as prose).
    let isCode: Bool
    /// The text with whitespace collapsed: what a code comparison compares.
    let collapsed: String
    /// The content words (not stop words, negations or symbols), as written, in order.
    let contentWords: [String]
    /// How many tokens are negations.
    let negationCount: Int
    /// Word forms (as written, action stem, inflection stem) for the antonym check.
    let wordForms: Set<String>
    /// Content words with the directional preposition governing them (`from` / `to` …).
    let roles: [String: String]
    /// The keys of the names, identifiers and numbers, in order: what the order check compares.
    let orderKeys: [String]

    /// Analyses `text`.
    public init(_ text: String) {
        self.init(text, tokens: SafetyTokenizer.tokens(text))
    }

    /// Analyses `text`, whose ``SafetyTokenizer`` tokens are already known (the normaliser made them).
    init(_ text: String, tokens: [SafetyToken]) {
        self.init(
            tokens: tokens,
            isCode: CodeDetector.looksLikeCode(text),
            collapsed: Normalizer.collapseWhitespace(text)
        )
    }

    /// Analyses already tokenised prose.
    init(tokens: [SafetyToken], isCode: Bool = false, collapsed: String = "") {
        self.tokens = tokens
        keys = tokens.map(\.key)
        keySet = Set(keys)
        self.isCode = isCode
        self.collapsed = collapsed
        contentWords = tokens.filter(SafetyCheck.isContent).map(\.text)
        negationCount = tokens.filter(SafetyLexicon.isNegation).count
        var forms = Set<String>()
        for token in tokens where token.kind == .word {
            forms.insert(token.text)
            forms.insert(OppositeActions.stem(token.text))
            forms.insert(token.key)
        }
        wordForms = forms
        roles = SafetyCheck.roles(tokens)
        orderKeys = tokens.filter(SafetyCheck.isKeyToken).map(\.key)
    }

    /// Every text field of `signature`, analysed, by path.
    public static func fields(of signature: FieldSignature) -> [String: SafetyText] {
        signature.text.mapValues(SafetyText.init)
    }

    /// Every text field of a normalised call, analysed, by path, from the tokens its normaliser made.
    public static func fields(of call: NormalizedCall) -> [String: SafetyText] {
        var fields: [String: SafetyText] = [:]
        for (path, text) in call.signature.text {
            fields[path] = call.textTokens[path].map { SafetyText(text, tokens: $0) } ?? SafetyText(text)
        }
        return fields
    }
}
