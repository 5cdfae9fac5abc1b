public import DedupCore
public import Logging
public import ServiceLifecycle

/// Deletes calls and events past the window at a steady pace while the server runs, so the database
/// and the vector index stay bounded without a cron job.
///
/// Pruning often keeps each prune short: at 2,000 new calls a second, a 10-second interval removes about
/// 20,000 rows, which ``DedupLedger/prune()`` deletes in transactions of 500 so claims interleave.
public struct PruneService: Service {
    /// The ledger to prune.
    public let ledger: any Ledger
    /// Time between prunes.
    public let interval: Duration
    let metrics: ServerMetrics
    let logger: Logger

    /// A service pruning `ledger` every `interval`.
    public init(ledger: any Ledger, interval: Duration, metrics: ServerMetrics, logger: Logger) {
        self.ledger = ledger
        self.interval = interval
        self.metrics = metrics
        self.logger = logger
    }

    /// Prunes until graceful shutdown. A failed prune (disk full, database away) is logged and tried
    /// again next time; it never stops the server.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard !Task.isCancelled else { return }
                do {
                    let removed = try await ledger.prune()
                    metrics.recordPruned(removed)
                    if removed > 0 { logger.debug("pruned expired calls", metadata: ["removed": "\(removed)"]) }
                } catch {
                    logger.warning("pruning failed; retrying next interval", metadata: ["error": "\(error)"])
                }
            }
        }
    }
}
