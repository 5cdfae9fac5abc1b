import Synchronization

/// Remembers the ``SafetyText`` analyses of stored calls' text fields, so a stored call that is a
/// candidate of many checks is tokenised once rather than once per check.
///
/// In a busy partition the same recent calls come back as candidates check after check, and analysing
/// a candidate — tokenising, stemming, the role scan — costs as much as the rest of its comparison.
/// The analysis is a pure function of the text, so the cache is keyed by the text itself: an entry can
/// never be stale, and sharing entries between tenants reveals nothing (the same text gives the same
/// analysis whoever stored it).
///
/// Memory is bounded by ``budgetBytes``, charged at a rough cost per entry. Eviction is by generation,
/// cheap and close to least-recently-used: entries fill a young generation; when it is full, it becomes
/// the old one and the previous old one is dropped; a hit in the old generation moves the entry back.
public final class SafetyTextCache: Sendable {
    /// What the entries of one generation may cost, in bytes (the cache holds up to two generations).
    public let budgetBytes: Int
    private let state: Mutex<State>

    private struct State {
        var young: [String: SafetyText] = [:]
        var old: [String: SafetyText] = [:]
        var youngBytes = 0
        var hits = 0
        var misses = 0

        /// Adds an entry to the young generation, first retiring it to old if the entry would not fit.
        mutating func insert(_ text: String, _ analysis: SafetyText, cost: Int, budget: Int) {
            if youngBytes + cost > budget {
                old = young
                young = [:]
                youngBytes = 0
            }
            if young.updateValue(analysis, forKey: text) == nil { youngBytes += cost }
        }
    }

    /// A cache whose generations hold up to `budgetBytes` each; 0 disables it.
    public init(budgetBytes: Int = 8 << 20) {
        self.budgetBytes = max(0, budgetBytes)
        self.state = Mutex(State())
    }

    /// The analysis of `text`, from the cache or made now and remembered.
    public func analysis(of text: String) -> SafetyText {
        guard budgetBytes > 0 else { return SafetyText(text) }
        if let cached = lookUp(text) { return cached }
        // Analysed outside the lock: two checks may both analyse one text, which is harmless.
        let analysed = SafetyText(text)
        let cost = Self.cost(of: text, analysed)
        guard cost <= budgetBytes else { return analysed }
        state.withLock { state in
            state.insert(text, analysed, cost: cost, budget: budgetBytes)
        }
        return analysed
    }

    /// Every text field of `signature`, analysed, by path.
    public func fields(of signature: FieldSignature) -> [String: SafetyText] {
        signature.text.mapValues(analysis(of:))
    }

    /// Entries held, over both generations.
    public var count: Int {
        state.withLock { $0.young.count + $0.old.count }
    }

    /// Lookups answered from the cache and lookups that had to analyse, since the cache was made.
    public var lookups: (hits: Int, misses: Int) {
        state.withLock { ($0.hits, $0.misses) }
    }

    private func lookUp(_ text: String) -> SafetyText? {
        state.withLock { state in
            if let young = state.young[text] {
                state.hits += 1
                return young
            }
            guard let old = state.old.removeValue(forKey: text) else {
                state.misses += 1
                return nil
            }
            state.hits += 1
            state.insert(text, old, cost: Self.cost(of: text, old), budget: budgetBytes)
            return old
        }
    }

    /// A rough cost of one entry: the key, and per token its text, key, alignment key and set entry.
    static func cost(of text: String, _ analysis: SafetyText) -> Int {
        256 + 2 * text.utf8.count + 96 * analysis.tokens.count
    }
}
