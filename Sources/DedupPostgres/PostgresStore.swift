public import DedupCore
import Foundation
public import Logging
public import PostgresNIO

/// The shared ledger store for several `dedup serve` replicas: PostgreSQL through postgres-nio.
///
/// Claims of one partition are serialised across replicas by a transaction-scoped advisory lock keyed by
/// the partition's stable hash; under it each replica brings its vector index up to date with that
/// partition's new rows (``IndexCatchUp/perPartition``), runs the funnel and inserts the claim in the same
/// transaction. Run ``client`` as a `Service` (it owns the connection pool and reconnects by itself).
public final class PostgresStore: LedgerStore {
    /// The connection pool; run it in the application's `ServiceGroup`.
    public let client: PostgresClient
    private let logger: Logger

    /// A store over `client`.
    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Rows are loaded and caught up per partition: only a partition's own writes commit in order.
    public var indexCatchUp: IndexCatchUp { .perPartition }

    /// Creates or upgrades the schema (safe to run from several replicas at once).
    public func migrate() async throws {
        try await Self.mapped { try await PostgresSchema.migrate(client, logger: logger) }
    }

    /// A transaction holding the partition's advisory lock until it ends.
    public func withPartitionLock<T: Sendable>(
        _ partition: PartitionKey,
        _ body: (PostgresTransaction) async throws -> T
    ) async throws -> T {
        let key = Int64(bitPattern: partition.stableHash)
        return try await Self.mapped {
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(\(key))", logger: logger)
                return try await body(PostgresTransaction(connection: connection, logger: logger))
            }
        }
    }

    /// A transaction: committed when `body` returns, rolled back when it throws.
    public func withWriteTransaction<T: Sendable>(_ body: (PostgresTransaction) async throws -> T) async throws -> T {
        try await Self.mapped {
            try await client.withTransaction(logger: logger) { connection in
                try await body(PostgresTransaction(connection: connection, logger: logger))
            }
        }
    }

    /// Reads on a pooled connection.
    public func withReadTransaction<T: Sendable>(_ body: (PostgresTransaction) async throws -> T) async throws -> T {
        try await Self.mapped {
            try await client.withConnection { connection in
                try await body(PostgresTransaction(connection: connection, logger: logger))
            }
        }
    }

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

    /// Pool configuration from a `postgres://user[:password]@host[:port]/database` URL.
    public static func configuration(url text: String) throws(DedupError) -> PostgresClient.Configuration {
        guard let url = URLComponents(string: text), url.scheme == "postgres" || url.scheme == "postgresql",
            let host = url.host, !host.isEmpty, let user = url.user, !user.isEmpty
        else {
            throw .invalidInput("the database URL must look like postgres://user[:password]@host[:port]/database")
        }
        let database = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
        var configuration = PostgresClient.Configuration(
            host: host,
            port: url.port ?? 5432,
            username: user,
            password: url.password,
            database: database.isEmpty ? nil : database,
            tls: .disable
        )
        configuration.options.connectTimeout = .seconds(3)
        configuration.options.maximumConnections = 16
        return configuration
    }
}
