import ArgumentParser
import CBLAS
import DedupCore
import DedupPostgres
import DedupSQLite
import DedupServer
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import UnixSignals

/// `dedup serve`: the HTTP service on the embedded SQLite ledger.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP API (claim, check, complete, events, metrics).",
        discussion: """
            Configuration comes from --config FILE (or DEDUP_CONFIG), then the environment (DEDUP_HOST, DEDUP_PORT,
            DEDUP_DATABASE, DEDUP_API_KEYS=tenant:key,…, DEDUP_LOG_LEVEL), then these flags. With no API key
            configured, a development key for tenant "default" is generated and printed.
            """
    )

    @Option(name: .long, help: "A JSON configuration file.")
    var config: String?

    @Option(name: .long, help: "Address to listen on (default 127.0.0.1).")
    var host: String?

    @Option(name: .long, help: "Port to listen on (default 8080; 0 picks a free port).")
    var port: Int?

    @Option(name: .long, help: "The SQLite ledger file (default ./dedup.sqlite).")
    var database: String?

    func run() async throws {
        try await reportingErrors {
            var configuration = ServerConfiguration()
            let environment = ProcessInfo.processInfo.environment
            if let path = config ?? environment["DEDUP_CONFIG"].flatMap({ $0.isEmpty ? nil : $0 }) {
                try configuration.apply(file: URL(fileURLWithPath: path))
            }
            try configuration.apply(environment: environment)
            if let host { configuration.host = host }
            if let port {
                guard (0...65535).contains(port) else { throw CLIError("--port must be 0…65535") }
                configuration.port = port
            }
            if let database { configuration.database = database }
            var developmentKey: String?
            if configuration.apiKeys.isEmpty {
                let key = APIKeys.generateKey()
                configuration.apiKeys.add(plainKey: key, tenant: "default")
                developmentKey = key
            }
            try await serve(configuration, developmentKey: developmentKey)
        }
    }

    private func serve(_ configuration: ServerConfiguration, developmentKey: String?) async throws {
        var logger = Logger(label: "agent-dedup")
        logger.logLevel = configuration.logLevel
        if !["127.0.0.1", "localhost", "::1"].contains(configuration.host), configuration.metricsTokenSHA256 == nil {
            logger.warning(
                "GET /metrics is open to anyone who can reach this address and names every tenant; set DEDUP_METRICS_TOKEN",
                metadata: ["host": "\(configuration.host)"]
            )
        }
        // One BLAS thread: under concurrent requests two threads per search oversubscribe 2 cores.
        openblas_set_num_threads(1)
        // The safety check reads the name lexicon on every comparison; a damaged install stops here.
        try NameLexicon.checkBundled()
        if let verifier = configuration.ledger.verifier as? PairModelVerifier, verifier.features == nil {
            // Loaded before the first request rather than during it.
            let start = ContinuousClock.now
            try PairModelVerifier.loadBundledFeatures()
            logger.debug("loaded the bundled pair model", metadata: ["duration": "\(ContinuousClock.now - start)"])
        }
        let metrics = ServerMetrics()
        var ledgerConfiguration = configuration.ledger
        ledgerConfiguration.verifier = MeteredVerifier.metered(ledgerConfiguration.verifier, metrics: metrics)
        ledgerConfiguration.logger = logger
        let database = configuration.database
        if database.hasPrefix("postgres://") || database.hasPrefix("postgresql://") {
            // The pool must run before the schema can be migrated; it stops after the HTTP server.
            let client = PostgresClient(
                configuration: try PostgresStore.configuration(url: database),
                backgroundLogger: logger
            )
            let pool = Task { await client.run() }
            do {
                let store = PostgresStore(
                    client: client,
                    logger: logger,
                    lockTimeout: configuration.postgresLockTimeout
                )
                try await store.migrate(timeout: .seconds(10))
                let ledger = try await DedupLedger(
                    store: store,
                    embedder: HashingEmbedder.bundled(),
                    configuration: ledgerConfiguration
                )
                try await run(
                    ledger,
                    indexRows: { ledger.index.count },
                    close: {},
                    configuration,
                    metrics,
                    logger,
                    developmentKey
                )
            } catch {
                pool.cancel()
                throw error
            }
            pool.cancel()
            await pool.value
            return
        }
        let ledger = try await SQLiteLedger.open(path: database, configuration: ledgerConfiguration)
        try await run(
            ledger,
            indexRows: { ledger.index.count },
            close: { await ledger.store.close() },
            configuration,
            metrics,
            logger,
            developmentKey
        )
    }

    // swift-format-ignore: FunctionParameterCount
    private func run(
        _ ledger: any Ledger,
        indexRows: @escaping @Sendable () -> Int,
        close: @escaping @Sendable () async -> Void,
        _ configuration: ServerConfiguration,
        _ metrics: ServerMetrics,
        _ logger: Logger,
        _ developmentKey: String?
    ) async throws {
        let host = configuration.host
        let database = Self.redacted(configuration.database)
        let keys = KeyRing(configuration.apiKeys)
        let application = buildApplication(
            configuration: configuration,
            ledger: ledger,
            metrics: metrics,
            logger: logger,
            keys: keys,
            indexRows: indexRows,
            onServerRunning: { port in
                Self.printBanner(host: host, port: port, database: database, developmentKey: developmentKey)
            }
        )
        let services = ServiceGroup(
            configuration: .init(
                services: services(configuration, ledger, close, keys, metrics, logger) + [.init(service: application)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await services.run()
    }

    /// The services that run beside the HTTP server, in start order; they stop in reverse order, after
    /// the server has finished its in-flight requests, and the ledger closes last.
    private func services(
        _ configuration: ServerConfiguration,
        _ ledger: any Ledger,
        _ close: @escaping @Sendable () async -> Void,
        _ keys: KeyRing,
        _ metrics: ServerMetrics,
        _ logger: Logger
    ) -> [ServiceGroupConfiguration.ServiceConfiguration] {
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: LedgerCloser(close: close))]
        if let interval = configuration.pruneInterval {
            services.append(
                .init(service: PruneService(ledger: ledger, interval: interval, metrics: metrics, logger: logger))
            )
        }
        if let file = configuration.configFile {
            services.append(.init(service: KeyReloader(file: file, ring: keys, logger: logger)))
        }
        return services
    }

    /// The database for the banner, without a password.
    private static func redacted(_ database: String) -> String {
        guard var components = URLComponents(string: database), components.password != nil else { return database }
        components.password = "***"
        return components.string ?? database
    }

    private static func printBanner(host: String, port: Int, database: String, developmentKey: String?) {
        var lines = ["agent-dedup listening on http://\(host):\(port) (ledger: \(database))"]
        if let developmentKey {
            lines += [
                "development API key for tenant \"default\": \(developmentKey)",
                "  (new on every start; set DEDUP_API_KEYS=tenant:key or run `dedup keys add TENANT` for lasting keys)",
                "try:",
                "  curl -s http://\(host):\(port)/v1/claim -H 'Authorization: Bearer \(developmentKey)' \\",
                "    -H 'Content-Type: application/json' \\",
                "    -d '{\"scope\": \"demo\", \"tool\": \"send_email\", \"arguments\": {\"to\": \"bob@example.com\", "
                    + "\"body\": \"Hi Bob, the report is attached.\"}}'",
            ]
        }
        FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }
}
