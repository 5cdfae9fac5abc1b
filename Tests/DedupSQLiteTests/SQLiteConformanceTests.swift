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
}

/// A directory removed when the test's last reference to it goes.
final class TemporaryDirectory: Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("dedup-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String {
        url.appendingPathComponent(name).path
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }
}
