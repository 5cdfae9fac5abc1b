import DedupCore
import DedupPostgres
import Foundation
import Logging
import PostgresNIO
import Synchronization

/// The PostgreSQL server the tests use: `DEDUP_TEST_POSTGRES_URL` (scripts/postgres.sh starts one; CI does).
enum PostgresTestDatabase {
    static var url: String? {
        ProcessInfo.processInfo.environment["DEDUP_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// In CI a missing database is a failure, not a skip.
    static var required: Bool { ProcessInfo.processInfo.environment["CI"] != nil }

    static var logger: Logger {
        var logger = Logger(label: "postgres-test")
        logger.logLevel = .critical
        return logger
    }

    /// Creates an empty database and returns its URL, so every test starts from nothing.
    static func fresh() async throws -> String {
        guard let url else { throw DedupError.unavailable("DEDUP_TEST_POSTGRES_URL is not set") }
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let configuration = try PostgresStore.configuration(url: url)
        let connection = try await PostgresConnection.connect(
            configuration: PostgresConnection.Configuration(
                host: configuration.host ?? "127.0.0.1",
                port: configuration.port ?? 5432,
                username: configuration.username,
                password: configuration.password,
                database: configuration.database,
                tls: .disable
            ),
            id: 1,
            logger: logger
        )
        try await connection.query("CREATE DATABASE \(unescaped: name)", logger: logger)
        try await connection.close()
        var components = URLComponents(string: url)!
        components.path = "/" + name
        return components.string!
    }
}

/// Running clients of one test, shut down when the test ends.
final class RunningClients: Sendable {
    private let tasks = Mutex<[Task<Void, Never>]>([])

    /// A store on `url` whose client runs until ``shutdown()``; the schema is migrated.
    func store(url: String, lockTimeout: Duration = .seconds(2)) async throws -> PostgresStore {
        let client = PostgresClient(
            configuration: try PostgresStore.configuration(url: url),
            backgroundLogger: PostgresTestDatabase.logger
        )
        let task = Task { await client.run() }
        tasks.withLock { $0.append(task) }
        let store = PostgresStore(client: client, logger: PostgresTestDatabase.logger, lockTimeout: lockTimeout)
        try await store.migrate()
        return store
    }

    func shutdown() async {
        let running = tasks.withLock { $0 }
        for task in running {
            task.cancel()
            await task.value
        }
    }
}
