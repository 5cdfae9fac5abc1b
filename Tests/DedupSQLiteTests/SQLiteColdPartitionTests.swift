import DedupCore
import DedupTesting
import Foundation
import Testing

@testable import DedupSQLite

/// A partition's first use after the ledger opens loads it from the store; concurrent first uses must
/// share that one load rather than each read the whole partition.
@Suite struct SQLiteColdPartitionTests {
    static let seeded = 600

    static func email(_ number: Int, _ sender: String) -> ToolCall {
        ToolCall(
            tenant: "acme",
            scope: "s",
            tool: "send_email",
            arguments: [
                "to": .string("\(sender)\(number)@example.com"),
                "subject": "Quarterly report",
                "body": .string("Here is the quarterly report, copy \(number)."),
            ]
        )
    }

    /// A ledger file with ``seeded`` claims in one partition, opened afresh: nothing is loaded yet.
    static func coldLedger(in directory: TemporaryDirectory) async throws -> SQLiteLedger {
        let path = directory.path("ledger.sqlite")
        let configuration = LedgerConfiguration(window: .seconds(3600), defaultLease: .seconds(30))
        let seeding = try await SQLiteLedger.open(path: path, configuration: configuration)
        for number in 0..<seeded { _ = try await seeding.claim(email(number, "seed")) }
        await seeding.store.close()
        let ledger = try await SQLiteLedger.open(path: path, configuration: configuration)
        #expect(ledger.indexRowsRead == 0, "opening loads nothing")
        return ledger
    }

    @Test func concurrentFirstChecksReadTheColdPartitionOnce() async throws {
        let directory = try TemporaryDirectory()
        let ledger = try await Self.coldLedger(in: directory)
        try await withThrowingTaskGroup(of: Verdict.self) { group in
            for number in 0..<24 { group.addTask { try await ledger.check(Self.email(number, "check")) } }
            for try await verdict in group { #expect(verdict.decision == .new) }
        }
        #expect(ledger.indexRowsRead == Self.seeded)
        await ledger.store.close()
    }

    /// A claim's own catch-up counts only when its commit group commits, so without a shared first load
    /// every claim of the first group read all the rows again (48 claims: about 48 × 600 rows).
    @Test func concurrentFirstClaimsReadTheColdPartitionOnce() async throws {
        let directory = try TemporaryDirectory()
        let ledger = try await Self.coldLedger(in: directory)
        let claims = 48
        try await withThrowingTaskGroup(of: Verdict.self) { group in
            for number in 0..<claims { group.addTask { try await ledger.claim(Self.email(number, "claim")) } }
            for try await verdict in group { #expect(verdict.decision == .new) }
        }
        // The first load, then each claim's catch-up of the rows earlier members of its group wrote.
        #expect(ledger.indexRowsRead >= Self.seeded)
        #expect(ledger.indexRowsRead <= Self.seeded + claims * claims / 2)
        #expect(ledger.index.count == Self.seeded + claims)
        await ledger.store.close()
    }
}
