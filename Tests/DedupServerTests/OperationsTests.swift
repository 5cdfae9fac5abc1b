import DedupCore
import DedupServer
import DedupTesting
import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import NIOCore
import Testing

/// What operators and client authors rely on beyond the happy path: method errors, storage errors,
/// null fields, and keys that change while the server runs.
@Suite struct OperationsTests {
    @Test func aKnownPathWithAnotherMethodIs405WithAllow() async throws {
        let server = try await TestServer()
        try await server.application()
            .test(.router) { client in
                for (method, path, allow) in [
                    (HTTPRequest.Method.delete, "/v1/claim", "POST"), (.get, "/v1/check", "POST"),
                    (.put, "/v1/calls/call_x", "GET"), (.get, "/v1/calls/call_x/complete", "POST"),
                    (.post, "/healthz", "GET"), (.patch, "/v1/scopes/s/events", "GET"),
                ] {
                    let response = try await client.execute(uri: path, method: method, headers: [:]) { $0 }
                    #expect(response.status == .methodNotAllowed, "\(method) \(path)")
                    #expect(response.headers[.allow] == allow, "\(method) \(path)")
                    #expect(response.headers[.contentType] == "application/problem+json")
                }
                #expect(try await client.send(.get, "/v1/nothing", contentType: nil).status == 404)
            }
    }

    @Test func nullArgumentsAreStoredAsAnEmptyObject() async throws {
        let server = try await TestServer()
        try await server.application()
            .test(.router) { client in
                let claim = try await client.send(
                    .post,
                    "/v1/claim",
                    body: #"{"scope": "s", "tool": "ping", "arguments": null, "lease_seconds": null}"#
                )
                let id = try #require(claim.json?["call_id"]?.stringValue, "\(claim)")
                let record = try await client.send(.get, "/v1/calls/\(id)", contentType: nil)
                #expect(record.json?["arguments"] == .object([:]))
                let same = try await client.send(.post, "/v1/claim", body: #"{"scope": "s", "tool": "ping"}"#)
                #expect(same.json?["call_id"]?.stringValue == id, "null and absent arguments are one action")
                let done = try await client.send(.post, "/v1/calls/\(id)/complete", body: #"{"status": "succeeded"}"#)
                #expect(done.status == 200)
                // The same outcome with an explicit null result is the same outcome, not a conflict.
                let again = try await client.send(
                    .post,
                    "/v1/calls/\(id)/complete",
                    body: #"{"status": "succeeded", "result": null, "error": null, "retryable": null}"#
                )
                #expect(again.status == 200, "\(again)")
            }
    }

    /// With a metrics token, `/metrics` takes that token and nothing else — not a tenant's API key, since
    /// metrics name every tenant.
    @Test func aMetricsTokenGuardsMetricsFromTenants() async throws {
        var server = try await TestServer()
        server.configuration.metricsTokenSHA256 = StableHash.sha256Hex("metrics-secret")
        try await server.application()
            .test(.router) { client in
                _ = try await client.send(.post, "/v1/check", body: #"{"scope": "s", "tool": "ping"}"#)
                for key in [nil, TestKeys.acme, "wrong"] as [String?] {
                    let response = try await client.send(.get, "/metrics", key: key, contentType: nil)
                    #expect(response.status == 401, "\(key ?? "no key")")
                    #expect(response.contentType == "application/problem+json")
                }
                let allowed = try await client.execute(
                    uri: "/metrics",
                    method: .get,
                    headers: [.authorization: "Bearer metrics-secret"]
                ) { $0 }
                #expect(allowed.status == .ok)
                #expect(String(buffer: allowed.body).contains(#"tenant="acme""#))
            }
    }

    @Test func storageErrorsMapToTheirStatuses() {
        #expect(Problem.from(DedupError.storageFull("the disk holding x is full")).status.code == 507)
        #expect(Problem.from(DedupError.storageFull("x")).slug == "insufficient-storage")
        #expect(Problem.from(DedupError.unavailable("x")).status.code == 503)
        #expect(Problem.from(DedupError.storage("x")).status.code == 500)
        #expect(DedupError.storageFull("x").isStorage)
    }

    /// The reloader puts a changed file's keys in force, keeps keys from elsewhere (the environment),
    /// and ignores a file that no longer parses rather than locking every tenant out.
    @Test func theKeyReloaderFollowsTheFileAndSurvivesABrokenOne() async throws {
        let directory = try TemporaryDirectory()
        let file = URL(fileURLWithPath: directory.path("dedup.json"))
        func write(_ keys: [(String, String)]) throws {
            let entries = keys.map { #"{"tenant": "\#($0.0)", "sha256": "\#(StableHash.sha256Hex($0.1))"}"# }
            try Data(#"{"api_keys": [\#(entries.joined(separator: ", "))]}"#.utf8).write(to: file)
        }
        try write([("acme", "key-acme")])
        var keys = try ServerConfiguration.apiKeys(inFile: file)
        keys.add(plainKey: "key-from-env", tenant: "ops")
        let ring = KeyRing(keys)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let reloader = KeyReloader(file: file, ring: ring, interval: .milliseconds(20), logger: logger)
        let task = Task { try await reloader.run() }
        defer { task.cancel() }
        func eventually(_ condition: () -> Bool) async throws -> Bool {
            for _ in 0..<250 {
                if condition() { return true }
                try await Task.sleep(for: .milliseconds(20))
            }
            return false
        }
        try write([("acme", "key-acme"), ("globex", "key-globex")])
        #expect(try await eventually { ring.tenant(forKey: "key-globex") == "globex" })

        try Data("{ not json".utf8).write(to: file)
        try await Task.sleep(for: .milliseconds(200))
        #expect(ring.tenant(forKey: "key-acme") == "acme", "a broken file must not drop the keys in force")

        try write([("globex", "key-globex")])
        #expect(try await eventually { ring.tenant(forKey: "key-acme") == nil })
        #expect(ring.tenant(forKey: "key-globex") == "globex")
        #expect(ring.tenant(forKey: "key-from-env") == "ops", "keys from the environment stay")
    }
}
