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
        let process = Process()
        process.executableURL = DedupProcess.executable
        process.arguments = ["serve", "--port", "0", "--database", db]
        var environment = ProcessInfo.processInfo.environment
        environment["DEDUP_API_KEYS"] = nil
        environment["DEDUP_CONFIG"] = nil
        process.environment = environment
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        // Read the banner: the address and the development key.
        var banner = ""
        let reader = stdout.fileHandleForReading
        let deadline = ContinuousClock.now + .seconds(30)
        while !banner.contains("curl -s"), ContinuousClock.now < deadline {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            banner += String(decoding: chunk, as: UTF8.self)
        }
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
