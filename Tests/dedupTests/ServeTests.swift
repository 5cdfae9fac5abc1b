import DedupCore
import DedupSQLite
import DedupTesting
import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite struct ServeTests {
    /// Starts `dedup serve` on a free port, claims through it, sends SIGTERM and expects a clean exit
    /// with the claim durable in a healthy database.
    @Test func serveStartsPrintsHowToCallItAndShutsDownCleanly() async throws {
        let directory = try TemporaryDirectory()
        let db = directory.path("ledger.sqlite")
        let server = try ServedProcess(["serve", "--port", "0", "--database", db])
        let process = server.process
        defer { if process.isRunning { process.terminate() } }

        // Read the banner: the address and the development key.
        let banner = server.waitForBanner(through: "curl -s")
        let address = try #require(banner.firstMatch(of: /listening on (http:\/\/127\.0\.0\.1:\d+)/)?.1)
        let key = try #require(banner.firstMatch(of: /tenant "default": (dk_[a-z2-7]+)/)?.1)

        var request = URLRequest(url: URL(string: "\(address)/v1/claim")!)
        request.httpMethod = "POST"
        request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(
            #"{"scope": "demo", "tool": "send_email", "arguments": {"to": "bob@example.com"}}"#.utf8
        )
        let (data, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        let id = try #require(try JSONParser().parse(data)["call_id"]?.stringValue)

        kill(process.processIdentifier, SIGTERM)
        let exitDeadline = ContinuousClock.now + .seconds(20)
        while process.isRunning, ContinuousClock.now < exitDeadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!process.isRunning)
        #expect(process.terminationStatus == 0)
        #expect(process.terminationReason == .exit)

        let store = try SQLiteStore(path: db)
        #expect(try await store.integrityCheck() == "ok")
        let ledger = try await SQLiteLedger(store: store, embedder: HashingEmbedder.bundled())
        #expect(try await ledger.record(tenant: "default", callID: id)?.status == .pending)
    }

    @Test func keysAddStoresOnlyTheHash() throws {
        let directory = try TemporaryDirectory()
        let config = directory.path("dedup.json")
        let output = try DedupProcess.run(["keys", "add", "acme", "--config", config])
        #expect(output.status == 0, "\(output.stderr)")
        let key = try #require(output.stdout.split(separator: "\n").last.map(String.init))
        #expect(key.hasPrefix("dk_"))
        let stored = try String(contentsOfFile: config, encoding: .utf8)
        #expect(!stored.contains(key))
        #expect(stored.contains(StableHash.sha256Hex(key)))
        #expect(stored.contains("\"acme\""))
        let second = try DedupProcess.run(["keys", "add", "globex", "--config", config])
        #expect(second.status == 0)
        let both = try JSONParser().parse(try String(contentsOfFile: config, encoding: .utf8))
        guard case .array(let keys)? = both["api_keys"] else {
            Issue.record("api_keys missing")
            return
        }
        #expect(keys.count == 2)
        try Data("{not json".utf8).write(to: URL(fileURLWithPath: config))
        let broken = try DedupProcess.run(["keys", "add", "x", "--config", config])
        #expect(broken.status != 0)
        #expect(broken.stderr.hasPrefix("error: configuration file"))
    }
}

extension ServeTests {
    /// `dedup keys revoke` on the configuration file of a running server: the key is refused within
    /// seconds on every request, other tenants' keys keep working, and nothing restarts.
    @Test func aRevokedKeyIsRefusedByTheRunningServer() async throws {
        let directory = try TemporaryDirectory()
        let config = directory.path("dedup.json")
        func addKey(_ tenant: String) throws -> String {
            let output = try DedupProcess.run(["keys", "add", tenant, "--config", config])
            #expect(output.status == 0, "\(output.stderr)")
            return try #require(output.stdout.split(separator: "\n").last.map(String.init))
        }
        let acme = try addKey("acme")
        let globex = try addKey("globex")
        let listed = try DedupProcess.run(["keys", "list", "--config", config])
        #expect(!listed.stdout.contains(acme) && !listed.stdout.contains(globex), "keys list printed a key")
        let acmeID = try #require(
            listed.stdout.split(separator: "\n").first { $0.hasSuffix("  acme") }.map { String($0.prefix(12)) }
        )
        #expect(acmeID == String(StableHash.sha256Hex(acme).prefix(12)))

        let server = try ServedProcess([
            "serve", "--port", "0", "--config", config, "--database", directory.path("db.sqlite"),
        ])
        defer { server.stop() }
        let address = try server.waitForAddress()
        let body = #"{"scope": "s", "tool": "send_email", "arguments": {"to": "bob@example.com"}}"#
        #expect(try await ServedProcess.post("\(address)/v1/claim", key: acme, body: body) == 200)

        let revoke = try DedupProcess.run(["keys", "revoke", acmeID, "--config", config])
        #expect(revoke.status == 0, "\(revoke.stderr)")
        #expect(revoke.stdout.contains("revoked \(acmeID)  acme"))
        var status = 200
        let deadline = ContinuousClock.now + .seconds(10)
        while status != 401, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            status = try await ServedProcess.post("\(address)/v1/check", key: acme, body: body)
        }
        #expect(status == 401, "the revoked key still works")
        #expect(try await ServedProcess.post("\(address)/v1/claim", key: globex, body: body) == 200)

        let unknown = try DedupProcess.run(["keys", "revoke", "deadbeef00", "--config", config])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.hasPrefix("error: no key with id deadbeef00"))
        let short = try DedupProcess.run(["keys", "revoke", "abc", "--config", config])
        #expect(short.status != 0)
    }
}

/// `dedup serve` running as a child process, stopped with SIGTERM.
final class ServedProcess: Sendable {
    let process: Process
    let stdout = Pipe()

    init(_ arguments: [String]) throws {
        process = Process()
        process.executableURL = DedupProcess.executable
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["DEDUP_API_KEYS"] = nil
        environment["DEDUP_CONFIG"] = nil
        process.environment = environment
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    /// What the server printed, up to the first line containing `marker` (or until it exits).
    func waitForBanner(through marker: String) -> String {
        var banner = ""
        let reader = stdout.fileHandleForReading
        while !banner.contains(marker) {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            banner += String(decoding: chunk, as: UTF8.self)
        }
        return banner
    }

    /// The `http://host:port` the banner names.
    func waitForAddress() throws -> String {
        let banner = waitForBanner(through: "listening on")
        return try #require(banner.firstMatch(of: /listening on (http:\/\/127\.0\.0\.1:\d+)/).map { String($0.1) })
    }

    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
    }

    static func post(_ url: String, key: String, body: String) async throws -> Int {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = "POST"
        request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(body.utf8)
        let (_, response) = try await URLSession.shared.data(for: request)
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }
}
