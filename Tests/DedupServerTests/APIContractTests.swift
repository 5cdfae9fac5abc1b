import DedupCore
import DedupServer
import DedupTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct APIContractTests {
    static let email =
        #"{"scope": "s1", "tool": "send_email", "arguments": {"to": "bob@example.com", "subject": "Invoice", "body": "Hi Bob, your invoice for March is attached."}}"#
    static let emailReworded =
        #"{"scope": "s1", "tool": "send_email", "arguments": {"body": "Hi Bob, your invoice for March is attached!", "subject": "Invoice", "to": "Bob@Example.com", "request_id": "r-2"}}"#

    @Test func claimCompleteAndReplay() async throws {
        let server = try await TestServer()
        try await server.application()
            .test(.router) { client in
                let first = try await client.send(.post, "/v1/claim", body: Self.email)
                #expect(first.status == 200)
                #expect(first.contentType == "application/json")
                #expect(first.json?["decision"] == "new")
                #expect(first.json?["layer"] == .null)
                #expect(first.json?["recovered"] == false)
                #expect(first.json?["timings_us"]?["total"] != nil)
                let id = try #require(first.json?["call_id"]?.stringValue)

                let pending = try await client.send(.post, "/v1/claim", body: Self.emailReworded)
                #expect(pending.status == 409)
                #expect(pending.json?["decision"] == "in_progress")
                #expect(pending.json?["match"]?["status"] == "pending")

                let done = try await client.send(
                    .post,
                    "/v1/calls/\(id)/complete",
                    body: #"{"status": "succeeded", "result": {"message_id": "m-9"}}"#
                )
                #expect(done.status == 200)
                #expect(done.json?["status"] == "succeeded")
                let again = try await client.send(
                    .post,
                    "/v1/calls/\(id)/complete",
                    body: #"{"status": "succeeded", "result": {"message_id": "m-9"}}"#
                )
                #expect(again.status == 200)
                let different = try await client.send(.post, "/v1/calls/\(id)/complete", body: #"{"status": "failed"}"#)
                #expect(different.status == 409)
                #expect(different.contentType == "application/problem+json")

                let replay = try await client.send(.post, "/v1/claim", body: Self.emailReworded)
                #expect(replay.status == 200)
                #expect(replay.json?["decision"] == "duplicate")
                #expect(replay.json?["layer"] == "semantic")
                #expect(replay.json?["call_id"]?.stringValue == id)
                #expect(replay.json?["match"]?["result"] == ["message_id": "m-9"])

                let record = try await client.send(.get, "/v1/calls/\(id)", contentType: nil)
                #expect(record.status == 200)
                #expect(record.json?["attempts"] == 1)

                let events = try await client.send(.get, "/v1/scopes/s1/events", contentType: nil)
                let kinds = events.json?["events"]
                    .flatMap { value -> [String]? in
                        guard case .array(let items) = value else { return nil }
                        return items.compactMap { $0["kind"]?.stringValue }
                    }
                #expect(kinds == ["claimed", "in_progress", "completed", "duplicate"])
            }
    }

    @Test func checkRecordsNothingAndSaysBorderline() async throws {
        let server = try await TestServer()
        try await server.application()
            .test(.router) { client in
                let check = try await client.send(.post, "/v1/check", body: Self.email)
                #expect(check.status == 200)
                #expect(check.json?["decision"] == "new")
                #expect(check.json?["borderline"] == false)
                #expect(try await client.send(.post, "/v1/claim", body: Self.email).json?["decision"] == "new")
                let events = try await client.send(.get, "/v1/scopes/s1/events", contentType: nil)
                #expect(events.json?["events"].map { if case .array(let items) = $0 { items.count } else { -1 } } == 1)
            }
    }

    @Test func idempotencyKeyHeaderAndConflict() async throws {
        let server = try await TestServer()
        try await server.application()
            .test(.router) { client in
                let body = #"{"scope": "s", "tool": "charge", "arguments": {"customer": "cus_42", "amount": 4999}}"#
                let other = #"{"scope": "s", "tool": "charge", "arguments": {"customer": "cus_42", "amount": 5000}}"#
                let first = try await client.send(
                    .post,
                    "/v1/claim",
                    headers: [HTTPField.Name("Idempotency-Key")!: "order-7"],
                    body: body
                )
                #expect(first.json?["decision"] == "new")
                let conflict = try await client.send(
                    .post,
                    "/v1/claim",
                    headers: [HTTPField.Name("Idempotency-Key")!: "order-7"],
                    body: other
                )
                #expect(conflict.status == 422)
                #expect(conflict.json?["decision"] == "conflict")
                let bodyKey =
                    #"{"scope": "s", "tool": "charge", "arguments": {"customer": "cus_42", "amount": 5000}, "idempotency_key": "order-7"}"#
                #expect(try await client.send(.post, "/v1/claim", body: bodyKey).status == 422)
                let disagree = try await client.send(
                    .post,
                    "/v1/claim",
                    headers: [HTTPField.Name("Idempotency-Key")!: "other"],
                    body: bodyKey
                )
                #expect(disagree.status == 400)
            }
    }

    @Test(arguments: [
        ("{bad", "invalid-json"),
        ("[1, 2]", "invalid-request"),
        (#"{"tool": "t", "arguments": {}}"#, "invalid-request"),
        (#"{"scope": 5, "tool": "t"}"#, "invalid-request"),
        (#"{"scope": "s", "tool": "t", "arguments": [1]}"#, "invalid-request"),
        (#"{"scope": "s", "tool": "t", "lease_seconds": -1}"#, "invalid-request"),
        (#"{"scope": "s", "tool": "t", "lease_seconds": 99999}"#, "invalid-request"),
        (#"{"scope": "s", "tool": "t", "idempotencyKey": "typo"}"#, "invalid-request"),
        (#"{"scope": "s", "tool": "t", "arguments": {"a": 1, "a": 2}}"#, "invalid-json"),
        (#"{"scope": "s", "tool": "t", "arguments": {"n": NaN}}"#, "invalid-json"),
        (#"{"scope": "s", "tool": "t", "arguments": {"n": 1e999999999999}}"#, "invalid-json"),
        (#"{"scope": "", "tool": "t"}"#, "invalid-request"),
        ("", "invalid-json"),
    ])
    func badBodiesAre400ProblemJSON(_ body: String, _ slug: String) async throws {
        let server = try await TestServer()
        try await server.application()
            .test(.router) { client in
                for path in ["/v1/claim", "/v1/check"] {
                    let response = try await client.send(.post, path, body: body)
                    #expect(response.status == 400, "\(path) \(body)")
                    #expect(response.contentType == "application/problem+json")
                    #expect(response.json?["type"]?.stringValue == "urn:agent-dedup:problem:\(slug)")
                    #expect(response.json?["status"] == 400)
                    #expect(response.json?["title"]?.stringValue?.isEmpty == false)
                    #expect(response.json?["detail"]?.stringValue?.isEmpty == false)
                }
                #expect(try await server.ledger.history(tenant: "acme", scope: "s", limit: 10).isEmpty)
            }
    }

    @Test func hostileBodiesGet4xxNeverACrash() async throws {
        let server = try await TestServer(bodyLimit: 64 * 1024)
        try await server.application()
            .test(.router) { client in
                let deep =
                    #"{"scope": "s", "tool": "t", "arguments": {"a": "# + String(repeating: "[", count: 10_000)
                    + String(repeating: "]", count: 10_000) + "}}"
                #expect(try await client.send(.post, "/v1/claim", body: deep).status == 400)
                #expect(
                    try await client
                        .sendBytes(
                            "/v1/claim",
                            bytes: Array(#"{"scope": "s", "tool": ""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
                        )
                        .status == 400
                )
                let huge =
                    #"{"scope": "s", "tool": "t", "arguments": {"x": ""# + String(repeating: "a", count: 100_000)
                    + #""}}"#
                let tooLarge = try await client.send(.post, "/v1/claim", body: huge)
                #expect(tooLarge.status == 413)
                #expect(tooLarge.contentType == "application/problem+json")
                let wrongType = try await client.send(.post, "/v1/claim", contentType: "text/plain", body: "{}")
                #expect(wrongType.status == 415)
                let noType = try await client.send(.post, "/v1/claim", contentType: nil, body: "{}")
                #expect(noType.status == 415)
                let vendorType = try await client.send(
                    .post,
                    "/v1/check",
                    contentType: "application/vnd.api+json; charset=utf-8",
                    body: #"{"scope": "s", "tool": "t"}"#
                )
                #expect(vendorType.status == 200)
            }
    }

    @Test func authIsRequiredAndKeysDecideTheTenant() async throws {
        let server = try await TestServer()
        try await server.application()
            .test(.router) { client in
                for key in [nil, "wrong-key", ""] as [String?] {
                    let response = try await client.send(.post, "/v1/claim", key: key, body: Self.email)
                    #expect(response.status == 401)
                    #expect(response.contentType == "application/problem+json")
                }
                let basic = try await client.send(
                    .post,
                    "/v1/claim",
                    key: nil,
                    headers: [.authorization: "Basic YTpi"],
                    body: Self.email
                )
                #expect(basic.status == 401)
                #expect(try await client.send(.get, "/healthz", key: nil, contentType: nil).status == 200)
            }
    }

    @Test func tenantsCannotSeeOrCompleteEachOthersCalls() async throws {
        let server = try await TestServer()
        try await server.application()
            .test(.router) { client in
                let mine = try await client.send(.post, "/v1/claim", body: Self.email)
                let id = try #require(mine.json?["call_id"]?.stringValue)
                let theirs = try await client.send(.post, "/v1/claim", key: TestKeys.globex, body: Self.email)
                #expect(theirs.json?["decision"] == "new")
                #expect(theirs.json?["call_id"]?.stringValue != id)
                let reworded = try await client.send(.post, "/v1/check", key: TestKeys.globex, body: Self.emailReworded)
                #expect(reworded.json?["match"]?["call_id"]?.stringValue != id)
                #expect(
                    try await client.send(.get, "/v1/calls/\(id)", key: TestKeys.globex, contentType: nil).status == 404
                )
                let complete = try await client.send(
                    .post,
                    "/v1/calls/\(id)/complete",
                    key: TestKeys.globex,
                    body: #"{"status": "succeeded"}"#
                )
                #expect(complete.status == 404)
                #expect(complete.contentType == "application/problem+json")
                let events = try await client.send(.get, "/v1/scopes/s1/events", key: TestKeys.globex, contentType: nil)
                let ids = events.json?["events"]
                    .map { value -> [String] in
                        guard case .array(let items) = value else { return [] }
                        return items.compactMap { $0["call_id"]?.stringValue }
                    }
                #expect(ids?.contains(id) == false)
                #expect(try await client.send(.get, "/v1/calls/call_unknown", contentType: nil).status == 404)
                #expect(try await client.send(.get, "/v1/nothing-here", contentType: nil).status == 404)
            }
    }

    @Test func completeValidatesItsBody() async throws {
        let server = try await TestServer()
        try await server.application()
            .test(.router) { client in
                let id = try #require(
                    try await client.send(.post, "/v1/claim", body: Self.email).json?["call_id"]?.stringValue
                )
                for body in [
                    #"{"status": "pending"}"#, #"{"status": 1}"#, "{}", #"{"status": "succeeded", "retryable": true}"#,
                    #"{"status": "failed", "retryable": "yes"}"#, #"{"status": "failed", "extra": 1}"#,
                ] {
                    let response = try await client.send(.post, "/v1/calls/\(id)/complete", body: body)
                    #expect(response.status == 400, "\(body)")
                }
                let retryable = try await client.send(
                    .post,
                    "/v1/calls/\(id)/complete",
                    body: #"{"status": "failed", "error": "timeout", "retryable": true}"#
                )
                #expect(retryable.status == 200)
                let retry = try await client.send(.post, "/v1/claim", body: Self.email)
                #expect(retry.json?["decision"] == "new")
                #expect(retry.json?["attempt"] == 2)
            }
    }

    @Test func metricsCountDecisionsPerTenantWithoutSecrets() async throws {
        let server = try await TestServer()
        try await server.application()
            .test(.router) { client in
                _ = try await client.send(.post, "/v1/claim", body: Self.email)
                _ = try await client.send(.post, "/v1/claim", body: Self.email)
                _ = try await client.send(.post, "/v1/check", key: TestKeys.globex, body: Self.email)
                _ = try await client.send(.post, "/v1/claim", key: "wrong", body: Self.email)
                let metrics = try await client.execute(uri: "/metrics", method: .get) { String(buffer: $0.body) }
                #expect(
                    metrics.contains(
                        #"dedup_decisions_total{tenant="acme",operation="claim",decision="new",layer="none"} 1"#
                    )
                )
                #expect(
                    metrics.contains(
                        #"dedup_decisions_total{tenant="acme",operation="claim",decision="in_progress",layer="exact"} 1"#
                    )
                )
                #expect(
                    metrics.contains(
                        #"dedup_decisions_total{tenant="globex",operation="check",decision="new",layer="none"} 1"#
                    )
                )
                #expect(!metrics.contains(#"tenant="globex",operation="claim""#))
                #expect(metrics.contains("dedup_layer_duration_seconds_bucket"))
                #expect(metrics.contains("dedup_index_rows 1"))
                #expect(metrics.contains(#"dedup_http_errors_total{status="401"} 1"#))
                for secret in [TestKeys.acme, TestKeys.globex, "wrong", "bob@example.com", "invoice"] {
                    #expect(!metrics.lowercased().contains(secret.lowercased()), "\(secret) leaked into /metrics")
                }
            }
    }

    @Test func servesTheCommittedOpenAPIDocument() async throws {
        let server = try await TestServer()
        let committed = try String(
            contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("../../Sources/DedupServer/openapi.yaml"),
            encoding: .utf8
        )
        try await server.application()
            .test(.router) { client in
                let served = try await client.execute(uri: "/openapi.yaml", method: .get) { response in
                    (response.status, response.headers[.contentType], String(buffer: response.body))
                }
                #expect(served.0 == .ok)
                #expect(served.1 == "application/yaml")
                #expect(served.2 == committed)
                for path in [
                    "/v1/claim", "/v1/check", "/v1/calls/{call_id}/complete", "/v1/calls/{call_id}",
                    "/v1/scopes/{scope}/events", "/metrics", "/healthz", "/openapi.yaml",
                ] {
                    #expect(committed.contains("  \(path):"), "\(path) is not documented")
                }
            }
    }
}
