import Synchronization

/// A bounded, thread-safe memo of a pure function of a text: what a check derives from a stored call's
/// text (its analysis, its embeddings) is the same every time that call comes back as a candidate.
///
/// Because the value is a pure function of its key, an entry can never be stale, and sharing entries
/// between tenants reveals nothing (the same text gives the same value whoever stored it).
///
/// Memory is bounded by ``budgetBytes``, charged at the rough cost the caller's `cost` function gives
/// each entry. Eviction is by generation, cheap and close to least-recently-used: entries fill a young
/// generation; when it is full it becomes the old one and the previous old one is dropped; a hit in the
/// old generation moves the entry back to the young one.
public final class GenerationalCache<Value: Sendable>: Sendable {
    /// What the entries of one generation may cost, in bytes (the cache holds up to two generations).
    public let budgetBytes: Int
    private let cost: @Sendable (String, Value) -> Int
    private let state: Mutex<State>

    private struct State {
        var young: [String: Value] = [:]
        var old: [String: Value] = [:]
        var youngBytes = 0
        var hits = 0
        var misses = 0

        /// Adds an entry to the young generation, first retiring it to old if the entry would not fit.
        mutating func insert(_ key: String, _ value: Value, cost: Int, budget: Int) {
            if youngBytes + cost > budget {
                old = young
                young = [:]
                youngBytes = 0
            }
            if young.updateValue(value, forKey: key) == nil { youngBytes += cost }
        }
    }

    /// A cache whose generations hold entries costing up to `budgetBytes` each (0 disables it), charging
    /// each entry `cost(key, value)` bytes.
    public init(budgetBytes: Int, cost: @escaping @Sendable (String, Value) -> Int) {
        self.budgetBytes = max(0, budgetBytes)
        self.cost = cost
        self.state = Mutex(State())
    }

    /// The value for `key`, from the cache or made now by `make` and remembered.
    ///
    /// `make` runs outside the lock: two threads may both make one value, which is harmless for a pure
    /// function and keeps one slow computation from stalling every other lookup.
    public func value(for key: String, make: (String) -> Value) -> Value {
        guard budgetBytes > 0 else { return make(key) }
        if let cached = lookUp(key) { return cached }
        let made = make(key)
        let charge = cost(key, made)
        guard charge <= budgetBytes else { return made }
        state.withLock { state in
            state.insert(key, made, cost: charge, budget: budgetBytes)
        }
        return made
    }

    /// Entries held, over both generations.
    public var count: Int {
        state.withLock { $0.young.count + $0.old.count }
    }

    /// Lookups answered from the cache and lookups that had to make their value, since the cache was made.
    public var lookups: (hits: Int, misses: Int) {
        state.withLock { ($0.hits, $0.misses) }
    }

    private func lookUp(_ key: String) -> Value? {
        state.withLock { state in
            if let young = state.young[key] {
                state.hits += 1
                return young
            }
            guard let old = state.old.removeValue(forKey: key) else {
                state.misses += 1
                return nil
            }
            state.hits += 1
            state.insert(key, old, cost: cost(key, old), budget: budgetBytes)
            return old
        }
    }
}
