import DedupCore
import DedupSQLite
import DedupTesting
import Foundation
import Testing

/// The ledger conformance suite, run against the SQLite store.
@Suite struct SQLiteConformanceTests {
    @Test(arguments: LedgerConformance.cases)
    func conformance(_ test: LedgerConformance.Case) async throws {
        let directory = try TemporaryDirectory()
        try await test.run { configuration in
            try await SQLiteLedger.open(path: directory.path("ledger.sqlite"), configuration: configuration)
        }
    }

    /// Two ledgers on one file, as two processes would open it.
    @Test(arguments: SharedStoreScenarios.cases)
    func sharedFile(_ test: SharedStoreScenarios.Case) async throws {
        let directory = try TemporaryDirectory()
        try await test.run { configuration in
            let path = directory.path("ledger.sqlite")
            return (
                try await SQLiteLedger.open(path: path, configuration: configuration),
                try await SQLiteLedger.open(path: path, configuration: configuration)
            )
        }
    }
}
