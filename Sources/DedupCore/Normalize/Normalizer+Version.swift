import Synchronization

extension Normalizer {
    /// The version of the normalisation rules. Bump it with every change that alters the canonical form,
    /// keys or signature an existing call normalises to, so ledgers re-key their stored records on open
    /// instead of silently answering `new` to retries of calls made before the change.
    /// 2: date-time spellings, stringified JSON / Python values and grouped numbers normalised; code is
    /// identity.
    public static let rulesVersion = 2

    /// What made a call's keys: the rules version plus a digest of everything configurable that changes
    /// them for `tool` (its policy's fields, the volatile list, the semantic budget). Stored with each
    /// record (``CallRecord/keyVersion``).
    ///
    /// Every claim stores it, so it is remembered per tool (``KeyVersionMemo``).
    public func keyVersion(forTool tool: String) -> String {
        keyVersions.value(for: tool) { computeKeyVersion(forTool: $0) }
    }

    func computeKeyVersion(forTool tool: String) -> String {
        let policy = policies.policy(for: tool)
        let parts = [
            "identity=" + policy.identityFields.sorted().joined(separator: ","),
            "text=" + policy.textFields.sorted().joined(separator: ","),
            "ignored=" + policy.ignoredFields.sorted().joined(separator: ","),
            "volatile=" + volatileFields.sorted().joined(separator: ","),
            "budget=\(semanticBudget.maxValues),\(semanticBudget.maxTextBytes)",
        ]
        return "rules-\(Self.rulesVersion)-" + StableHash.sha256Hex(parts.joined(separator: "\u{1F}")).prefix(16)
    }
}

/// Remembered key versions by tool: sorting the policy's field lists and hashing them was a few per cent
/// of a claim. Bounded, because tool names come from callers: past ``capacity`` it starts again.
final class KeyVersionMemo: Sendable {
    static let capacity = 1024
    private let versions = Mutex<[String: String]>([:])

    /// How many versions are remembered.
    var count: Int { versions.withLock { $0.count } }

    func value(for tool: String, make: (String) -> String) -> String {
        if let known = versions.withLock({ $0[tool] }) { return known }
        let version = make(tool)
        versions.withLock { versions in
            if versions.count >= Self.capacity { versions.removeAll(keepingCapacity: true) }
            versions[tool] = version
        }
        return version
    }
}
