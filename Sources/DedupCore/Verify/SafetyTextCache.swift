/// Remembers the ``SafetyText`` analyses of stored calls' text fields, so a stored call that is a
/// candidate of many checks is tokenised once rather than once per check.
///
/// In a busy partition the same recent calls come back as candidates check after check, and analysing
/// a candidate — tokenising, stemming, the role scan — costs as much as the rest of its comparison.
/// The analysis is a pure function of the text, so the cache is keyed by the text itself
/// (``GenerationalCache``): an entry can never be stale, and memory stays inside ``budgetBytes``.
public final class SafetyTextCache: Sendable {
    private let cache: GenerationalCache<SafetyText>

    /// A cache whose generations hold up to `budgetBytes` each; 0 disables it.
    public init(budgetBytes: Int = 8 << 20) {
        self.cache = GenerationalCache(budgetBytes: budgetBytes, cost: Self.cost(of:_:))
    }

    /// What the entries of one generation may cost, in bytes (the cache holds up to two generations).
    public var budgetBytes: Int { cache.budgetBytes }

    /// The analysis of `text`, from the cache or made now and remembered.
    public func analysis(of text: String) -> SafetyText {
        cache.value(for: text, make: SafetyText.init)
    }

    /// Every text field of `signature`, analysed, by path.
    public func fields(of signature: FieldSignature) -> [String: SafetyText] {
        signature.text.mapValues(analysis(of:))
    }

    /// Every text field of a normalised call, analysed, by path: on a miss from the tokens its normaliser
    /// made (``SafetyText/fields(of:)-(NormalizedCall)``). A proposed call that is claimed comes back as a
    /// candidate of its own retries, so its analysis is remembered too.
    public func fields(of call: NormalizedCall) -> [String: SafetyText] {
        var fields: [String: SafetyText] = [:]
        for (path, text) in call.signature.text {
            fields[path] = cache.value(for: text) { text in
                call.textTokens[path].map { SafetyText(text, tokens: $0) } ?? SafetyText(text)
            }
        }
        return fields
    }

    /// Entries held, over both generations.
    public var count: Int { cache.count }

    /// Lookups answered from the cache and lookups that had to analyse, since the cache was made.
    public var lookups: (hits: Int, misses: Int) { cache.lookups }

    /// A rough cost of one entry: the key, and per token its text, key, alignment key and set entry.
    static func cost(of text: String, _ analysis: SafetyText) -> Int {
        256 + 2 * text.utf8.count + 96 * analysis.tokens.count
    }
}
