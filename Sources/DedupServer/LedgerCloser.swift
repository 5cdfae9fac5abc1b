public import ServiceLifecycle

/// A service that holds the ledger open while the server runs and closes it on graceful shutdown.
///
/// Put it before the HTTP application in the `ServiceGroup`: services shut down in reverse order, so
/// in-flight requests finish before the ledger closes.
public struct LedgerCloser: Service {
    let close: @Sendable () async -> Void

    /// A service that runs `close` at shutdown.
    public init(close: @escaping @Sendable () async -> Void) {
        self.close = close
    }

    /// Waits for graceful shutdown, then closes the ledger.
    public func run() async throws {
        try? await gracefulShutdown()
        await close()
    }
}
