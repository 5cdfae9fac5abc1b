import DedupCore
import DedupSQLite
import DedupServer
import DedupTesting
import Foundation
import Testing

/// Tests over real sockets: concurrency and restarts.
@Suite struct LiveServerTests {
    static func claimBody(scope: String, text: String, to: String = "bob@example.com") -> JSONValue {
        ["scope": .string(scope), "tool": "send_email", "arguments": ["to": .string(to), "body": .string(text)]]
    }

    @Test func sixtyFourConcurrentClaimsOfOneActionGiveExactlyOneNew() async throws {
        let server = try await TestServer()
        try await server.live { base in
            let client = LiveClient(base: base)
            let body = Self.claimBody(
                scope: "race",
                text: "Deploy version 2.3 of the billing service to production now"
            )
            let statuses = try await withThrowingTaskGroup(of: (Int, String).self) { group in
                for _ in 0..<64 {
                    group.addTask {
                        let (status, json) = try await client.post("v1/claim", key: TestKeys.acme, body: body)
                        return (status, json["decision"]?.stringValue ?? "?")
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.count == 64)
            #expect(statuses.filter { $0.1 == "new" }.count == 1)
            #expect(statuses.filter { $0 == (409, "in_progress") }.count == 63)
        }
    }

    @Test func sixtyFourConcurrentRewordedEquivalentsGiveExactlyOneNew() async throws {
        let server = try await TestServer()
        let wordings = [
            "Deploy version 2.3 of the billing service to production now",
            "Deploy version 2.3 of the billing service to production, now",
            "deploy version 2.3 of the billing service to production now!",
            "Now deploy version 2.3 of the billing service to production",
        ]
        try await server.live { base in
            let client = LiveClient(base: base)
            let decisions = try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<64 {
                    group.addTask {
                        let body = Self.claimBody(scope: "race-reworded", text: wordings[index % wordings.count])
                        return try await client.post("v1/claim", key: TestKeys.acme, body: body).1["decision"]?
                            .stringValue ?? "?"
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(decisions.filter { $0 == "new" }.count == 1, "\(decisions)")
            #expect(decisions.filter { $0 == "in_progress" }.count == 63)
        }
    }

    @Test func aRestartedServerReplaysTheStoredResult() async throws {
        let directory = try TemporaryDirectory()
        let body = Self.claimBody(scope: "restart", text: "Refund order 1234 for the damaged headphones")
        let first = try await TestServer(directory: directory)
        try await first.live { base in
            let client = LiveClient(base: base)
            let (status, json) = try await client.post("v1/claim", key: TestKeys.acme, body: body)
            #expect(status == 200)
            let id = try #require(json["call_id"]?.stringValue)
            let (done, _) = try await client.post(
                "v1/calls/\(id)/complete",
                key: TestKeys.acme,
                body: ["status": "succeeded", "result": ["refund_id": "re_1"]]
            )
            #expect(done == 200)
        }
        await first.ledger.store.close()

        let second = try await TestServer(directory: directory)
        try await second.live { base in
            let client = LiveClient(base: base)
            let retry = Self.claimBody(scope: "restart", text: "Refund order 1234 for the damaged headphones, please")
            let (status, json) = try await client.post("v1/claim", key: TestKeys.acme, body: retry)
            #expect(status == 200)
            #expect(json["decision"] == "duplicate")
            #expect(json["match"]?["result"] == ["refund_id": "re_1"])
        }
    }
}
