import DedupCore
import DedupPostgres
import DedupTesting
import Foundation
import PostgresNIO
import Testing

/// `sslmode` and `sslrootcert` against the test cluster, which `scripts/postgres.sh` starts with a
/// certificate for "localhost" from a CA of its own (`DEDUP_TEST_POSTGRES_CA`).
@Suite struct PostgresTLSTests {
    static var ca: String? { ProcessInfo.processInfo.environment["DEDUP_TEST_POSTGRES_CA"] }
    static var otherCA: String? { ProcessInfo.processInfo.environment["DEDUP_TEST_POSTGRES_OTHER_CA"] }
    static var enabled: Bool { PostgresTestDatabase.url != nil && ca != nil && otherCA != nil }

    /// The test database's URL with another host and these query parameters.
    static func url(host: String = "127.0.0.1", _ parameters: [String: String]) throws -> String {
        var components = try #require(PostgresTestDatabase.url.flatMap(URLComponents.init(string:)))
        components.host = host
        components.queryItems = parameters.sorted { $0.key < $1.key }
            .map { URLQueryItem(name: $0.key, value: $0.value) }
        return try #require(components.string)
    }

    /// Whether the server sees the connection of a pool configured from `url` as encrypted.
    func encrypted(_ url: String) async throws -> Bool {
        let client = PostgresClient(
            configuration: try PostgresStore.configuration(url: url),
            backgroundLogger: PostgresTestDatabase.logger
        )
        return try await withThrowingTaskGroup(of: Void.self) { group -> Bool in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            let rows = try await client.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").collect()
            return try #require(rows.first).decode(Bool.self)
        }
    }

    @Test(.enabled(if: enabled, "DEDUP_TEST_POSTGRES_CA is not set: start PostgreSQL with scripts/postgres.sh"))
    func eachModeConnectsAsItSays() async throws {
        let ca = try #require(Self.ca)
        #expect(try await encrypted(try Self.url([:])) == false)
        #expect(try await encrypted(try Self.url(["sslmode": "disable"])) == false)
        #expect(try await encrypted(try Self.url(["sslmode": "prefer"])) == true)
        #expect(try await encrypted(try Self.url(["sslmode": "require"])) == true)
        #expect(try await encrypted(try Self.url(["sslmode": "require", "sslrootcert": ca])) == true)
        #expect(try await encrypted(try Self.url(["sslmode": "verify-ca", "sslrootcert": ca])) == true)
        #expect(
            try await encrypted(try Self.url(host: "localhost", ["sslmode": "verify-full", "sslrootcert": ca])) == true
        )
    }

    /// The checks that must refuse a server: a CA that did not sign its certificate, the system's CAs, a
    /// certificate for another host. Through one connection, which fails at once (a pool would retry).
    @Test(.enabled(if: enabled, "DEDUP_TEST_POSTGRES_CA is not set: start PostgreSQL with scripts/postgres.sh"))
    func verificationRefusesAServerItCannotTrust() async throws {
        let ca = try NIOSSLCertificate.fromPEMFile(try #require(Self.ca))
        let other = try NIOSSLCertificate.fromPEMFile(try #require(Self.otherCA))
        let base = try PostgresStore.configuration(url: try #require(PostgresTestDatabase.url))
        func connect(_ host: String, _ mode: PostgresTLSMode, _ roots: [NIOSSLCertificate]?) async throws {
            let tls = try #require(mode.tlsConfiguration(rootCertificates: roots))
            let connection = try await PostgresConnection.connect(
                configuration: PostgresConnection.Configuration(
                    host: host,
                    port: base.port ?? 5432,
                    username: base.username,
                    password: nil,
                    database: base.database,
                    tls: .require(try NIOSSLContext(configuration: tls))
                ),
                id: 1,
                logger: PostgresTestDatabase.logger
            )
            try await connection.close()
        }
        // The same connection succeeds with the right CA and host, so the failures below are the checks'.
        try await connect("localhost", .verifyFull, ca)
        try await connect("127.0.0.1", .verifyCA, ca)
        await #expect(throws: (any Error).self) { try await connect("localhost", .verifyFull, other) }
        await #expect(throws: (any Error).self) { try await connect("localhost", .verifyFull, nil) }
        await #expect(throws: (any Error).self) { try await connect("127.0.0.1", .verifyCA, other) }
        await #expect(throws: (any Error).self) { try await connect("127.0.0.1", .verifyFull, ca) }
    }

    @Test func badTLSParametersAreRefusedWithTheirName() throws {
        let files = try TemporaryDirectory()
        let notPEM = files.path("not.pem")
        try Data("not a certificate".utf8).write(to: URL(fileURLWithPath: notPEM))
        let base = "postgres://dedup@127.0.0.1:5432/dedup"
        let cases: [(String, String)] = [
            ("?sslmode=verify_full", "sslmode \"verify_full\" is not one of disable, prefer, require"),
            ("?sslmode=", "sslmode \"\" is not one of"),
            ("?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem", "is not a readable file"),
            ("?sslmode=verify-full&sslrootcert=\(notPEM)", "holds no PEM certificate"),
            ("?sslmode=disable&sslrootcert=\(notPEM)", "sslrootcert needs sslmode=verify-full"),
            ("?sslrootcert=\(notPEM)", "sslrootcert needs sslmode=verify-full"),
            ("?ssl_mode=require", "unknown parameter \"ssl_mode\" (accepted: sslmode, sslrootcert)"),
        ]
        for (query, message) in cases {
            let error = #expect(throws: DedupError.self) { try PostgresStore.configuration(url: base + query) }
            #expect(error?.isInvalidInput == true, "\(query)")
            #expect(error?.message.contains(message) == true, "\(query): \(String(describing: error))")
        }
        for mode in PostgresTLSMode.allCases {
            #expect(throws: Never.self) { try PostgresStore.configuration(url: "\(base)?sslmode=\(mode.rawValue)") }
        }
    }
}
