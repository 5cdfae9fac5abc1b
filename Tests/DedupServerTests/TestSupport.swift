import DedupCore
import DedupSQLite
import DedupServer
import DedupTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import ServiceLifecycle

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Keys of the two tenants every server test knows.
enum TestKeys {
    static let acme = "key-acme-0123456789"
    static let globex = "key-globex-0123456789"

    static var table: APIKeys {
        var keys = APIKeys()
        keys.add(plainKey: acme, tenant: "acme")
        keys.add(plainKey: globex, tenant: "globex")
        return keys
    }
}

/// A server over a fresh SQLite ledger in a temporary directory.
struct TestServer {
    let directory: TemporaryDirectory
    var configuration: ServerConfiguration
    let ledger: SQLiteLedger
    let metrics = ServerMetrics()

    static var quietLogger: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }

    init(bodyLimit: Int = 1 << 20, directory: TemporaryDirectory? = nil) async throws {
        let directory = try directory ?? TemporaryDirectory()
        self.directory = directory
        self.configuration = ServerConfiguration(
            host: "127.0.0.1",
            port: 0,
            database: directory.path("ledger.sqlite"),
            apiKeys: TestKeys.table,
            bodyLimit: bodyLimit
        )
        self.ledger = try await SQLiteLedger.open(path: configuration.database, configuration: configuration.ledger)
    }

    func application(
        keys: KeyRing? = nil,
        logger: Logger = quietLogger,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        buildApplication(
            configuration: configuration,
            ledger: ledger,
            metrics: metrics,
            logger: logger,
            keys: keys,
            indexRows: { [ledger] in ledger.index.count },
            onServerRunning: onServerRunning
        )
    }

    /// Runs the application on a real loopback port for the duration of `body`, then shuts it down gracefully.
    func live(_ body: @Sendable (URL) async throws -> Void) async throws {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = application { port in
            continuation.yield(port)
            continuation.finish()
        }
        let services = ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: Self.quietLogger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            var iterator = ports.makeAsyncIterator()
            let port = await iterator.next() ?? 0
            do {
                try await body(URL(string: "http://127.0.0.1:\(port)")!)
            } catch {
                await services.triggerGracefulShutdown()
                throw error
            }
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
        }
    }
}

/// An HTTP client on real sockets, many requests in flight at once.
struct LiveClient: Sendable {
    let base: URL
    let session: URLSession

    init(base: URL) {
        self.base = base
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = 64
        configuration.timeoutIntervalForRequest = 30
        session = URLSession(configuration: configuration)
    }

    func post(_ path: String, key: String, body: JSONValue) async throws -> (Int, JSONValue) {
        var request = URLRequest(url: base.appendingPathComponent(path))
        request.httpMethod = "POST"
        request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(body.canonicalText.utf8)
        let (data, response) = try await session.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, try JSONParser().parse(data))
    }
}

extension TestClientProtocol {
    /// Sends a request and returns status, content type and parsed JSON body.
    func send(
        _ method: HTTPRequest.Method,
        _ uri: String,
        key: String? = TestKeys.acme,
        contentType: String? = "application/json",
        headers extra: HTTPFields = [:],
        body: String? = nil
    ) async throws -> (status: Int, contentType: String, json: JSONValue?) {
        var headers = extra
        if let key { headers[.authorization] = "Bearer \(key)" }
        if let contentType { headers[.contentType] = contentType }
        return try await execute(
            uri: uri,
            method: method,
            headers: headers,
            body: body.map { ByteBuffer(string: $0) }
        ) { response in
            let text = String(buffer: response.body)
            return (
                Int(response.status.code), response.headers[.contentType] ?? "",
                try? JSONParser(maxDepth: 512).parse(text)
            )
        }
    }

    /// Sends raw bytes (for invalid UTF-8).
    func sendBytes(_ uri: String, bytes: [UInt8]) async throws -> (status: Int, contentType: String) {
        try await execute(
            uri: uri,
            method: .post,
            headers: [.authorization: "Bearer \(TestKeys.acme)", .contentType: "application/json"],
            body: ByteBuffer(bytes: bytes)
        ) { response in (Int(response.status.code), response.headers[.contentType] ?? "") }
    }
}
