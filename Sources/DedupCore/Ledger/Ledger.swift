/// Memoised tool execution: claim an action before executing it, report its outcome after.
///
/// Implementations guarantee that of two racing claims of the same (or an equivalent) action exactly
/// one gets `new`; that a success is replayed to later duplicates; and that no lookup, match or record
/// crosses tenants. ``DedupLedger`` implements it over any ``LedgerStore``.
public protocol Ledger: Sendable {
    /// Runs the funnel and, if the action is new (or released for another attempt), records a `pending`
    /// claim with a lease of `lease` (the configured default when `nil`).
    func claim(_ call: ToolCall, lease: Duration?) async throws -> Verdict
    /// The verdict a claim would give, recording nothing.
    func check(_ call: ToolCall) async throws -> Verdict
    /// Records the outcome of a claimed call. The same outcome twice is accepted; a different one is a
    /// conflict; an unknown id, or another tenant's, is not found.
    func complete(tenant: String, callID: String, _ completion: Completion) async throws -> CallRecord
    /// The record with `callID`, if it belongs to `tenant`.
    func record(tenant: String, callID: String) async throws -> CallRecord?
    /// A scope's calls, oldest first, at most `limit`.
    func history(tenant: String, scope: String, limit: Int) async throws -> [CallRecord]
    /// A scope's audit timeline — claims, duplicates, refusals, takeovers, completions — oldest first.
    func events(tenant: String, scope: String, limit: Int) async throws -> [AuditEvent]
    /// Deletes records past the window; returns how many.
    func prune() async throws -> Int
}

extension Ledger {
    /// Claims with the default lease.
    public func claim(_ call: ToolCall) async throws -> Verdict {
        try await claim(call, lease: nil)
    }
}
