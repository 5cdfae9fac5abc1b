import DedupCore
import DedupServer
import HTTPTypes
import HummingbirdTesting
import Logging
import NIOCore
import Synchronization
import Testing

/// Tenants are hard walls: every route, tried with another tenant's ids and scopes, with no key, a wrong
/// key and a revoked key.
@Suite struct TenantWallTests {
    static let claim =
        #"{"scope": "s1", "tool": "charge_card", "idempotency_key": "order-7", "arguments": {"customer": "cus_secret_42", "amount": 4999, "note": "Refund for the broken kettle"}}"#
    static let complete = #"{"status": "succeeded", "result": {"charge_id": "ch_1"}}"#

    /// Every authenticated route, with a call id and a scope to put in its path.
    static func routes(id: String, scope: String) -> [(HTTPRequest.Method, String, String?)] {
        [
            (.post, "/v1/claim", claim), (.post, "/v1/check", claim),
            (.post, "/v1/calls/\(id)/complete", complete), (.get, "/v1/calls/\(id)", nil),
            (.get, "/v1/scopes/\(scope)/events", nil),
        ]
    }

    @Test func aKeyPaddedWithSpacesAndTabsStillAuthenticates() async throws {
        let server = try await TestServer()
        try await server.application(keys: KeyRing(TestKeys.table))
            .test(.router) { client in
                for header in [
                    "Bearer   \(TestKeys.acme)", "bearer \t\(TestKeys.acme) \t", "Bearer \(TestKeys.acme)  ",
                ] {
                    let response = try await client.send(
                        .post,
                        "/v1/check",
                        key: nil,
                        contentType: "application/json",
                        headers: [.authorization: header],
                        body: Self.claim
                    )
                    #expect(response.status == 200, "\(header.debugDescription)")
                }
            }
    }

    @Test func everyRouteRefusesMissingWrongMalformedAndRevokedKeys() async throws {
        let server = try await TestServer()
        let keys = KeyRing(TestKeys.table)
        try await server.application(keys: keys)
            .test(.router) { client in
                let id = try #require(
                    try await client.send(.post, "/v1/claim", body: Self.claim).json?["call_id"]?.stringValue
                )
                var revoked = TestKeys.table
                revoked = revoked.removing(
                    {
                        var acme = APIKeys()
                        acme.add(plainKey: TestKeys.acme, tenant: "acme")
                        return acme
                    }()
                )
                for (method, path, body) in Self.routes(id: id, scope: "s1") {
                    for headers: HTTPFields in [
                        [:], [.authorization: "Bearer wrong-key"], [.authorization: "Bearer "],
                        [.authorization: "Basic YWNtZTpwdw=="], [.authorization: TestKeys.acme],
                    ] {
                        let response = try await client.send(
                            method,
                            path,
                            key: nil,
                            contentType: body == nil ? nil : "application/json",
                            headers: headers,
                            body: body
                        )
                        #expect(response.status == 401, "\(method) \(path) with \(headers)")
                        #expect(response.contentType == "application/problem+json")
                    }
                }
                // Revoke acme's key while serving: every route refuses it; globex's key still works.
                keys.replace(with: revoked)
                for (method, path, body) in Self.routes(id: id, scope: "s1") {
                    let response = try await client.send(
                        method,
                        path,
                        key: TestKeys.acme,
                        contentType: body == nil ? nil : "application/json",
                        body: body
                    )
                    #expect(response.status == 401, "\(method) \(path) with a revoked key")
                    #expect(response.json?["detail"] == "unknown or revoked API key")
                }
                #expect(try await client.send(.post, "/v1/check", key: TestKeys.globex, body: Self.claim).status == 200)
                // None of the refused requests touched the ledger: acme's call is still pending, claimed once.
                let record = try await server.ledger.record(tenant: "acme", callID: id)
                #expect(record?.status == .pending)
                #expect(try await server.ledger.events(tenant: "acme", scope: "s1").count == 1)
            }
    }

    @Test func noRouteCrossesTenants() async throws {
        let server = try await TestServer()
        try await server.application()
            .test(.router) { client in
                let mine = try await client.send(.post, "/v1/claim", body: Self.claim)
                let id = try #require(mine.json?["call_id"]?.stringValue)
                #expect(try await client.send(.post, "/v1/calls/\(id)/complete", body: Self.complete).status == 200)

                // The same body and idempotency key under globex: a new action of globex's own, not a
                // duplicate of acme's (which would leak its result) nor a key conflict.
                for (method, path, body) in Self.routes(id: id, scope: "s1") {
                    let response = try await client.send(
                        method,
                        path,
                        key: TestKeys.globex,
                        contentType: body == nil ? nil : "application/json",
                        body: body
                    )
                    let text = response.json.map { "\($0)" } ?? ""
                    #expect(!text.contains("ch_1"), "\(method) \(path) showed acme's result to globex")
                    switch path {
                    case "/v1/claim":
                        #expect(response.json?["decision"] == "new")
                        #expect(response.json?["call_id"]?.stringValue != id)
                    case "/v1/check":
                        // It finds globex's own claim, made a line above, and nothing of acme's.
                        #expect(response.json?["decision"] == "in_progress")
                        #expect(response.json?["call_id"]?.stringValue != id)
                    case "/v1/scopes/s1/events":
                        #expect(response.status == 200)
                        #expect(!text.contains(id), "globex's timeline shows acme's call")
                    default: #expect(response.status == 404, "\(method) \(path)")
                    }
                }
                // Acme's record is as acme left it, and acme's own view is unchanged.
                let record = try await client.send(.get, "/v1/calls/\(id)", contentType: nil)
                #expect(record.json?["status"] == "succeeded")
                #expect(record.json?["result"]?["charge_id"] == "ch_1")
                let retry = try await client.send(.post, "/v1/claim", body: Self.claim)
                #expect(retry.json?["decision"] == "duplicate")
                #expect(retry.json?["call_id"]?.stringValue == id)

                // Metrics count globex's claim under globex and acme's under acme.
                let metrics = try await client.execute(uri: "/metrics", method: .get) { String(buffer: $0.body) }
                #expect(
                    metrics.contains(
                        #"dedup_decisions_total{tenant="globex",operation="claim",decision="new",layer="none"} 1"#
                    )
                )
                #expect(
                    metrics.contains(
                        #"dedup_decisions_total{tenant="acme",operation="claim",decision="new",layer="none"} 1"#
                    )
                )
                #expect(metrics.contains(#"dedup_completions_total{tenant="acme",status="succeeded"} 1"#))
                #expect(!metrics.contains(#"dedup_completions_total{tenant="globex""#))
            }
    }

    @Test func logsCarryNoKeysNorArgumentValuesEvenAtDebug() async throws {
        let server = try await TestServer()
        let lines = LogCapture()
        var logger = Logger(label: "capture") { _ in lines }
        logger.logLevel = .debug
        try await server.application(logger: logger)
            .test(.router) { client in
                let id = try #require(
                    try await client.send(.post, "/v1/claim", body: Self.claim).json?["call_id"]?.stringValue
                )
                _ = try await client.send(.post, "/v1/claim", body: Self.claim)
                _ = try await client.send(.post, "/v1/calls/\(id)/complete", body: Self.complete)
                _ = try await client.send(.post, "/v1/check", key: TestKeys.globex, body: Self.claim)
                _ = try await client.send(.post, "/v1/claim", key: "key-guessed-0123456789", body: Self.claim)
                _ = try await client.send(
                    .post,
                    "/v1/claim",
                    body: #"{"scope": "s1", "tool": "t", "arguments": {"a": "cus_secret_42"},}"#
                )
            }
        let text = lines.text
        #expect(text.contains("decision"), "the debug decision lines are missing: \(text)")
        for secret in [
            TestKeys.acme, TestKeys.globex, "key-guessed", "cus_secret_42", "4999", "kettle", "order-7", "ch_1",
        ] {
            #expect(!text.contains(secret), "\(secret) appears in the logs")
        }
    }
}

/// A log handler that keeps every line it is given, metadata included.
final class LogCapture: LogHandler, Sendable {
    private let lines = Mutex<[String]>([])

    var text: String { lines.withLock { $0.joined(separator: "\n") } }

    var metadata: Logger.Metadata {
        get { [:] }
        set {}
    }
    var logLevel: Logger.Level {
        get { .trace }
        set {}
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { nil }
        set {}
    }

    func log(event: LogEvent) {
        let metadata = (event.metadata ?? [:]).map { "\($0)=\($1)" }.sorted().joined(separator: " ")
        lines.withLock { $0.append("\(event.level) \(event.message) \(metadata)") }
    }
}
