import DedupCore
import DedupSQLite
import DedupTesting
import Foundation
import Testing

@Suite struct CrashTests {
    /// Kills a process that is claiming calls with SIGKILL at several moments; every claim it acknowledged
    /// (printed) before dying must be in the reopened ledger, and the file must pass an integrity check.
    @Test func aKilledWriterLosesNoAcknowledgedClaim() async throws {
        let directory = try TemporaryDirectory()
        let db = directory.path("ledger.sqlite")
        var acknowledged: [String] = []
        for round in 0..<3 {
            let process = Process()
            process.executableURL = DedupProcess.executable
            process.arguments = ["_claim-stream", "--db", db, "--count", "100000", "--scope", "crash-\(round)"]
            let stdout = Pipe()
            process.standardOutput = stdout
            process.standardError = FileHandle.nullDevice
            try process.run()
            try await Task.sleep(for: .milliseconds(400 + 150 * round))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal)
            let lines = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                .split(separator: "\n")
            let complete = lines.filter { $0.hasPrefix("new call_") && $0.count == "new ".count + 31 }
            #expect(!complete.isEmpty, "the writer acknowledged nothing in round \(round)")
            acknowledged += complete.map { String($0.dropFirst(4)) }
        }
        let store = try SQLiteStore(path: db)
        #expect(try await store.integrityCheck() == "ok")
        let ledger = try await SQLiteLedger(store: store, embedder: HashingEmbedder.bundled())
        for id in acknowledged {
            let record = try await ledger.record(tenant: "default", callID: id)
            #expect(record?.status == .pending, "acknowledged claim \(id) is missing")
        }
        // A repeat of the first acknowledged claim is still recognised.
        let repeatCall = ToolCall(
            tenant: "default",
            scope: "crash-0",
            tool: "charge_card",
            arguments: ["customer": "cus_0", "amount": 1]
        )
        // In progress while the writer's lease lasts; on a machine slow enough for the test to outlast that
        // lease (60 s), a takeover of the same record — never a second, unrelated `new`.
        let verdict = try await ledger.claim(repeatCall)
        #expect(
            verdict.decision == .inProgress || (verdict.decision == .new && verdict.recovered),
            "\(verdict.decision) \(verdict.reason)"
        )
    }
}
