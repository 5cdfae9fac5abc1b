public import DedupCore

/// Where the proxy claims and completes calls: the embedded SQLite ledger or a running `dedup serve`.
public protocol ClaimBackend: Sendable {
    /// Claims `call`; the verdict as the proxy reads it.
    func claim(_ call: ToolCall) async throws -> ProxyVerdict
    /// Records the outcome of the claim `callID`.
    func complete(callID: String, _ completion: Completion) async throws
}

/// A `ClaimBackend` on any in-process `Ledger` (the CLI's SQLite file, or an in-memory one in tests).
public struct LedgerBackend<L: Ledger>: ClaimBackend {
    /// The ledger claims go to.
    public let ledger: L
    /// The tenant every call is claimed as.
    public let tenant: String

    /// A backend claiming as `tenant` in `ledger`.
    public init(ledger: L, tenant: String) {
        self.ledger = ledger
        self.tenant = tenant
    }

    /// Claims `call` in the ledger; the verdict as the proxy reads it.
    public func claim(_ call: ToolCall) async throws -> ProxyVerdict {
        try ProxyVerdict(json: try await ledger.claim(call).jsonValue)
    }

    /// Records the outcome of the claim `callID`.
    public func complete(callID: String, _ completion: Completion) async throws {
        _ = try await ledger.complete(tenant: tenant, callID: callID, completion)
    }
}
