public import DedupCore
public import Foundation
public import Logging

/// Everything `dedup serve` needs to know, with documented defaults.
///
/// Built from defaults, then a configuration file (`--config` or `DEDUP_CONFIG`), then the environment,
/// then command-line flags — each later source overriding the earlier ones. See
/// `ServerConfiguration+Loading.swift` for the keys each source understands.
public struct ServerConfiguration: Sendable {
    /// The address to listen on (default `127.0.0.1`: loopback only until you decide otherwise).
    public var host: String
    /// The port (default 8080; 0 picks a free one).
    public var port: Int
    /// The ledger: a SQLite file path (default `./dedup.sqlite`).
    public var database: String
    /// API keys, stored as SHA-256 hashes, and their tenants.
    public var apiKeys: APIKeys
    /// The largest request body accepted, in bytes (default 1 MiB); larger bodies get 413.
    public var bodyLimit: Int
    /// Ledger settings: window, leases, thresholds, policies, verifier.
    public var ledger: LedgerConfiguration
    /// The log level (default `info`; `debug` logs one line per decision).
    public var logLevel: Logger.Level
    /// How long a request may wait on the ledger before it is answered 503 (default 5 s): a database that
    /// has gone away must not hold callers until the connection pool gives up.
    public var requestTimeout: Duration
    /// How long a claim on PostgreSQL waits for another replica's hold on its partition before it is
    /// answered 503 (default 2 s; the server's `lock_timeout` for that wait). Unused on SQLite.
    public var postgresLockTimeout: Duration
    /// How long a client may take to send its whole body (default 10 s) before it is answered 408: a slow
    /// sender must not hold a request slot forever.
    public var bodyTimeout: Duration
    /// How long an idle keep-alive connection — or one that has sent part of its headers — is kept
    /// (default 30 s).
    public var idleTimeout: Duration
    /// How often expired calls are deleted while serving (default 10 s; `nil` leaves pruning to
    /// `dedup prune`).
    public var pruneInterval: Duration?
    /// SHA-256 (hex) of the token `GET /metrics` requires; `nil` (the default) leaves metrics open, which
    /// is fine on loopback. Metrics name every tenant, so API keys never open them.
    public var metricsTokenSHA256: String?
    /// The configuration file this was read from, if any: the server watches it for key changes.
    public var configFile: URL?

    /// A configuration; every parameter has the documented default.
    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        database: String = "dedup.sqlite",
        apiKeys: APIKeys = APIKeys(),
        bodyLimit: Int = 1 << 20,
        ledger: LedgerConfiguration = LedgerConfiguration(),
        logLevel: Logger.Level = .info,
        requestTimeout: Duration = .seconds(5),
        bodyTimeout: Duration = .seconds(10),
        idleTimeout: Duration = .seconds(30),
        pruneInterval: Duration? = .seconds(10)
    ) {
        self.host = host
        self.port = port
        self.database = database
        self.apiKeys = apiKeys
        self.bodyLimit = bodyLimit
        self.ledger = ledger
        self.logLevel = logLevel
        self.requestTimeout = requestTimeout
        self.postgresLockTimeout = .seconds(2)
        self.bodyTimeout = bodyTimeout
        self.idleTimeout = idleTimeout
        self.pruneInterval = pruneInterval
        self.configFile = nil
        self.metricsTokenSHA256 = nil
    }
}
