import DedupCore
import Synchronization

/// The API keys a running server accepts, replaceable while it serves.
///
/// Revoking a key must not need a restart (a restart drops in-flight claims' callers and, on a busy
/// service, is exactly when a leaked key does damage), so ``AuthMiddleware`` reads the table from here
/// on every request and ``KeyReloader`` swaps it when the configuration file changes.
public final class KeyRing: Sendable {
    private let keys: Mutex<APIKeys>

    /// A ring holding `keys`.
    public init(_ keys: APIKeys) {
        self.keys = Mutex(keys)
    }

    /// The table in force.
    public var current: APIKeys { keys.withLock { $0 } }

    /// The tenant of a presented key, or `nil` for a key that is unknown or revoked.
    public func tenant(forKey key: String) -> String? {
        let hash = StableHash.sha256Hex(key)
        return keys.withLock { $0.tenantByHash[hash] }
    }

    /// Puts `keys` in force for every later request.
    public func replace(with keys: APIKeys) {
        self.keys.withLock { $0 = keys }
    }
}
