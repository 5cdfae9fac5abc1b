public import DedupCore
import Foundation
public import Logging
public import PostgresNIO

/// The shared ledger store for several `dedup serve` replicas: PostgreSQL through postgres-nio.
///
/// Claims of one partition are serialised across replicas by a transaction-scoped advisory lock keyed by
/// the partition's stable hash; under it each replica brings its vector index up to date with that
/// partition's new rows, runs the funnel and inserts the claim in the same
/// transaction. Within a replica, claims of one partition queue before they take a pooled connection, so a
/// hot partition holds at most one connection per replica. Run ``client`` as a `Service` (it owns the
/// connection pool and reconnects by itself).
public final class PostgresStore: LedgerStore {
    /// The connection pool; run it in the application's `ServiceGroup`.
    public let client: PostgresClient
    /// How long a claim waits for another replica's hold on its partition before it is answered
    /// ``DedupError/unavailable(_:)`` (HTTP 503; default 2 s, below the server's request timeout, so an
    /// abandoned wait gives its connection back soon).
    public let lockTimeout: Duration
    private let logger: Logger
    private let queue = PartitionQueue()

    /// A store over `client`.
    public init(client: PostgresClient, logger: Logger, lockTimeout: Duration = .seconds(2)) {
        self.client = client
        self.logger = logger
        self.lockTimeout = lockTimeout
    }

    /// Creates or upgrades the schema (safe to run from several replicas at once).
    public func migrate() async throws {
        try await Self.mapped { try await PostgresSchema.migrate(client, logger: logger) }
    }

    /// A transaction holding the partition's advisory lock until it ends.
    ///
    /// READ COMMITTED is set, not inherited from the server's `default_transaction_isolation`: each statement
    /// must see the rows the previous holder of the lock committed, and under REPEATABLE READ the snapshot
    /// would be older than the lock (every racing claim would find nothing and answer `new`).
    public func withPartitionLock<T: Sendable>(
        _ partition: PartitionKey,
        _ body: (PostgresTransaction) async throws -> T
    ) async throws -> T {
        let key = Int64(bitPattern: partition.stableHash)
        let timeout = "\(Int((lockTimeout / .milliseconds(1)).rounded(.up)))ms"
        return try await queue.withTurn(partition.stableHash) {
            try await Self.mapped {
                try await client.withTransaction(logger: logger) { connection in
                    try await connection.query(Self.readCommitted, logger: logger)
                    // The rows are read: a statement's error (here the lock timeout) comes with them, and
                    // a row sequence left unread drops it — the transaction would go on, aborted.
                    _ =
                        try await connection.query(
                            "SELECT set_config('lock_timeout', \(timeout), true)",
                            logger: logger
                        )
                        .collect()
                    _ = try await connection.query("SELECT pg_advisory_xact_lock(\(key))", logger: logger).collect()
                    return try await body(PostgresTransaction(connection: connection, logger: logger))
                }
            }
        }
    }

    /// A transaction: committed when `body` returns, rolled back when it throws. READ COMMITTED, whatever
    /// the server's default: a conditional update must re-check its `WHERE` against the latest committed
    /// row, where REPEATABLE READ would fail it with a serialisation error.
    public func withWriteTransaction<T: Sendable>(_ body: (PostgresTransaction) async throws -> T) async throws -> T {
        try await Self.mapped {
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query(Self.readCommitted, logger: logger)
                return try await body(PostgresTransaction(connection: connection, logger: logger))
            }
        }
    }

    /// Reads on a pooled connection, each statement in a transaction of its own — so the server's default
    /// isolation level does not change what they see.
    public func withReadTransaction<T: Sendable>(_ body: (PostgresTransaction) async throws -> T) async throws -> T {
        try await Self.mapped {
            try await client.withConnection { connection in
                try await body(PostgresTransaction(connection: connection, logger: logger))
            }
        }
    }

    /// The first statement of every transaction: it must come before any query of the transaction.
    private static let readCommitted: PostgresQuery = "SET TRANSACTION ISOLATION LEVEL READ COMMITTED"

    /// Maps driver errors to ``DedupError``: an unreachable database is `unavailable` (HTTP 503), so
    /// callers retry; a unique violation is a `conflict`.
    static func mapped<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as PSQLError {
            throw translate(error)
        } catch let error as PostgresTransactionError {
            // The body's own error (a conflict, a not-found) goes to the caller as it was thrown.
            if let closureError = error.closureError {
                throw (closureError as? PSQLError).map(translate) ?? closureError
            }
            let cause = error.beginError ?? error.commitError ?? error.rollbackError
            throw (cause as? PSQLError).map(translate) ?? DedupError.unavailable("the PostgreSQL transaction failed")
        } catch let error as DedupError {
            throw error
        } catch {
            // The pool's own errors (e.g. its circuit breaker after failed connection attempts).
            throw DedupError.unavailable(
                "the PostgreSQL database cannot be reached (\(String(describing: error).prefix(120))); retry shortly"
            )
        }
    }

    /// Migrates the schema, failing with ``DedupError/unavailable(_:)`` when the database does not answer
    /// within `timeout` — so a mistyped URL fails fast at start-up instead of after the pool's retries.
    public func migrate(timeout: Duration) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.migrate() }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw DedupError.unavailable(
                    "the PostgreSQL database did not answer within \(timeout.components.seconds) s; is it running?"
                )
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    static func translate(_ error: PSQLError) -> DedupError {
        if error.code == .server {
            let state = error.serverInfo?[.sqlState] ?? ""
            let message = error.serverInfo?[.message] ?? "server error"
            if state == "23505" { return .conflict("unique constraint violated: \(message)") }
            // 55P03 lock_not_available: lock_timeout ended the wait for another replica's claim of the partition.
            if state == "55P03" {
                return .unavailable("the partition is busy: another replica's claim held its lock too long; retry")
            }
            // 53100 disk_full: the same answer as a full SQLite disk (507), not a transient outage.
            if state == "53100" { return .storageFull("the PostgreSQL server's disk is full: \(message)") }
            // Class 08 (connection), 53 (resources), 57P (shutdown): the database is not there right now.
            if state.hasPrefix("08") || state.hasPrefix("53") || state.hasPrefix("57P") {
                return .unavailable("the PostgreSQL database is unavailable: \(message)")
            }
            return .storage("PostgreSQL error \(state): \(message)")
        }
        return .unavailable("the PostgreSQL database cannot be reached (\(error.code))")
    }
}
