import DedupCore
import DedupTesting
import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Two `dedup serve` processes sharing one PostgreSQL ledger (`DEDUP_TEST_POSTGRES_URL`).
@Suite struct ReplicaTests {
    static var databaseURL: String? {
        ProcessInfo.processInfo.environment["DEDUP_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A running `dedup serve` and its address.
    final class Replica: Sendable {
        let process: Process
        let base: URL

        init(database: String, keys: String, config: String? = nil) throws {
            let process = Process()
            process.executableURL = DedupProcess.executable
            process.arguments =
                ["serve", "--port", "0", "--database", database] + (config.map { ["--config", $0] } ?? [])
            var environment = ProcessInfo.processInfo.environment
            environment["DEDUP_API_KEYS"] = keys
            environment["DEDUP_LOG_LEVEL"] = "error"
            process.environment = environment
            let stdout = Pipe()
            process.standardOutput = stdout
            process.standardError = FileHandle.nullDevice
            try process.run()
            var banner = ""
            let deadline = Date().addingTimeInterval(30)
            while banner.firstMatch(of: /listening on (http:\/\/127\.0\.0\.1:\d+)/) == nil, Date() < deadline {
                let chunk = stdout.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                banner += String(decoding: chunk, as: UTF8.self)
            }
            guard let address = banner.firstMatch(of: /listening on (http:\/\/127\.0\.0\.1:\d+)/)?.1 else {
                process.terminate()
                throw DedupError.unavailable("dedup serve did not start: \(banner)")
            }
            self.process = process
            self.base = URL(string: String(address))!
        }

        func stop() {
            process.terminate()
            process.waitUntilExit()
        }
    }

    static func post(_ base: URL, _ path: String, key: String, _ body: JSONValue) async throws -> (Int, JSONValue) {
        var request = URLRequest(url: base.appendingPathComponent(path))
        request.httpMethod = "POST"
        request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(body.canonicalText.utf8)
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, try JSONParser().parse(data))
    }

    @Test(.enabled(if: databaseURL != nil, "DEDUP_TEST_POSTGRES_URL is not set: PostgreSQL tests skipped"))
    func twoServeProcessesClaimEachActionOnce() async throws {
        let database = try #require(Self.databaseURL)
        // A tenant of its own: the wall between tenants keeps this test apart from others on the database.
        let tenant = "replicas-\(UUID().uuidString.prefix(8))"
        let key = "key-\(UUID().uuidString)"
        let first = try Replica(database: database, keys: "\(tenant):\(key)")
        defer { first.stop() }
        let second = try Replica(database: database, keys: "\(tenant):\(key)")
        defer { second.stop() }

        func body(_ action: Int, reworded: Bool) -> JSONValue {
            [
                "scope": "orders", "tool": "send_email",
                "arguments": [
                    "to": .string(reworded ? "Customer\(action)@Example.com" : "customer\(action)@example.com"),
                    "body": .string(
                        reworded
                            ? "Your order has shipped and will arrive on Friday, thank you!"
                            : "Your order has shipped and will arrive on Friday, thank you"
                    ),
                ],
            ]
        }
        let decisions = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for action in 0..<200 {
                group.addTask {
                    (
                        action,
                        try await Self.post(first.base, "v1/claim", key: key, body(action, reworded: false))
                            .1["decision"]?
                            .stringValue ?? "?"
                    )
                }
                group.addTask {
                    let reworded = action.isMultiple(of: 2)
                    return (
                        action,
                        try await Self.post(second.base, "v1/claim", key: key, body(action, reworded: reworded))
                            .1["decision"]?
                            .stringValue ?? "?"
                    )
                }
            }
            return try await group.reduce(into: [Int: [String]]()) { $0[$1.0, default: []].append($1.1) }
        }
        #expect(decisions.count == 200)
        for (action, answers) in decisions {
            #expect(answers.filter { $0 == "new" }.count == 1, "action \(action): \(answers)")
            #expect(answers.filter { $0 == "in_progress" }.count == 1, "action \(action): \(answers)")
        }

        // A completion through one replica is replayed by the other.
        let (_, claimed) = try await Self.post(first.base, "v1/check", key: key, body(7, reworded: false))
        let id = try #require(claimed["call_id"]?.stringValue)
        let (status, _) = try await Self.post(
            first.base,
            "v1/calls/\(id)/complete",
            key: key,
            ["status": "succeeded", "result": ["message_id": "m-7"]]
        )
        #expect(status == 200)
        let (replayStatus, replay) = try await Self.post(second.base, "v1/claim", key: key, body(7, reworded: true))
        #expect(replayStatus == 200)
        #expect(replay["decision"] == "duplicate")
        #expect(replay["match"]?["result"] == ["message_id": "m-7"])
    }
}

/// A PostgreSQL restart in the middle of a stream of claims, on a cluster of the test's own.
@Suite struct DatabaseOutageTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../scripts/postgres.sh").standardizedFileURL.path

    /// Runs `scripts/postgres.sh COMMAND` through `posix_spawn` and `waitpid`: Foundation's `Process`
    /// never sees this script exit, because the server it starts stays behind in the process group.
    static func cluster(_ command: String, environment: [String: String] = [:]) throws -> String {
        let files = try TemporaryDirectory()
        let output = files.path("out")
        let assignments = environment.map { "\($0.key)='\($0.value)'" }.joined(separator: " ")
        let line = "\(assignments) /bin/bash '\(script)' \(command) > '\(output)' 2>/dev/null"
        var pid: pid_t = 0
        let arguments = ["/bin/bash", "-c", line]
        var argv = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        guard posix_spawn(&pid, "/bin/bash", nil, nil, &argv, environ) == 0 else {
            throw DedupError.unavailable("cannot run scripts/postgres.sh")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        guard status == 0 else { throw DedupError.unavailable("scripts/postgres.sh \(command) failed (\(status))") }
        return (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
    }

    @Test(.enabled(if: ReplicaTests.databaseURL != nil, "DEDUP_TEST_POSTGRES_URL is not set: PostgreSQL tests skipped"))
    func claimsDuringARestartFailCleanlyAndNoneSucceedsTwice() async throws {
        let started = try Self.cluster("start")
        let url = try #require(started.firstMatch(of: /DEDUP_TEST_POSTGRES_URL=(\S+)/)?.1)
        let directory = try #require(started.firstMatch(of: /DEDUP_TEST_POSTGRES_DIR=(\S+)/)?.1)
        let environment = ["DEDUP_TEST_POSTGRES_DIR": String(directory)]
        defer { _ = try? Self.cluster("stop", environment: environment) }
        // Requests give up on the database after 1 s, so the outage shows as quick 503s. Leases outlast the
        // test even on a slow machine: an expired lease would rightly grant a retry `new` (a takeover).
        let files = try TemporaryDirectory()
        let config = files.path("dedup.json")
        try Data(#"{"request_timeout_ms": 1000, "lease_seconds": 3600}"#.utf8).write(to: URL(fileURLWithPath: config))
        let replica = try ReplicaTests.Replica(database: String(url), keys: "outage:key-outage", config: config)
        defer { replica.stop() }

        func claim(_ action: Int) async throws -> (Int, String) {
            let (status, json) = try await ReplicaTests.post(
                replica.base,
                "v1/claim",
                key: "key-outage",
                [
                    "scope": "stream", "tool": "charge_card",
                    "arguments": ["customer": .string("cus_\(action)"), "amount": 5],
                ]
            )
            return (status, json["decision"]?.stringValue ?? json["type"]?.stringValue ?? "?")
        }
        var answers: [Int: [(Int, String)]] = [:]
        for action in 0..<60 {
            if action == 20 { _ = try Self.cluster("pause", environment: environment) }
            if action == 30 { _ = try Self.cluster("resume", environment: environment) }
            answers[action, default: []].append(try await claim(action))
        }
        // During the outage: 503 problem+json, nothing else.
        for action in 20..<30 {
            #expect(answers[action]!.allSatisfy { $0.0 == 503 }, "action \(action): \(answers[action]!)")
        }
        #expect(answers.values.flatMap { $0 }.allSatisfy { [200, 409, 503].contains($0.0) })
        // Once it is back, the service recovers by itself; retry every action until it answers.
        for action in 0..<60 {
            var answer = try await claim(action)
            for _ in 0..<40 where answer.0 == 503 {
                try await Task.sleep(for: .milliseconds(500))
                answer = try await claim(action)
            }
            answers[action, default: []].append(answer)
        }
        for (action, list) in answers {
            // Exactly one `new`, unless a claim cut off by the timeout committed anyway: then its retry is
            // `in_progress` and no attempt was granted twice either.
            let granted = list.filter { $0.1 == "new" }.count
            #expect(granted <= 1, "action \(action): \(list)")
            #expect(granted == 1 || list.contains { $0.1 == "in_progress" }, "action \(action): \(list)")
        }
    }
}
