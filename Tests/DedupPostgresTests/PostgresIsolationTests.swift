import DedupCore
import DedupPostgres
import Foundation
import PostgresNIO
import Testing

/// Claims racing on a database whose `default_transaction_isolation` is not READ COMMITTED: the store must
/// set its isolation level itself. Under REPEATABLE READ a claim's snapshot predates the advisory lock it
/// waited for, so before the fix every racing claim found nothing and answered `new`.
@Suite(.serialized) struct PostgresIsolationTests {
    @Test(
        .enabled(if: PostgresTestDatabase.url != nil, "DEDUP_TEST_POSTGRES_URL is not set: PostgreSQL tests skipped"),
        arguments: ["repeatable read", "serializable"]
    )
    func racingClaimsAreGrantedOnceWhateverTheDefaultIsolation(_ isolation: String) async throws {
        let clients = RunningClients()
        do {
            try await race(defaultIsolation: isolation, clients: clients)
        } catch {
            await clients.shutdown()
            throw error
        }
        await clients.shutdown()
    }

    private func race(defaultIsolation isolation: String, clients: RunningClients) async throws {
        let url = try await PostgresTestDatabase.fresh()
        let name = try #require(URLComponents(string: url)?.path.dropFirst())
        let setup = try await clients.store(url: url)
        try await setup.client.query(
            "ALTER DATABASE \(unescaped: String(name)) SET default_transaction_isolation = '\(unescaped: isolation)'"
        )
        // Stores opened from now on start their sessions with the new default; check it took.
        let embedder = try HashingEmbedder.bundled()
        let firstStore = try await clients.store(url: url)
        let second = try await DedupLedger(store: try await clients.store(url: url), embedder: embedder)
        let shown = try await firstStore.client.query("SHOW default_transaction_isolation").collect()
        #expect(try shown.first?.decode(String.self) == isolation)
        let first = try await DedupLedger(store: firstStore, embedder: embedder)

        var granted: [Int: Int] = [:]
        for action in 0..<40 {
            let call = ToolCall(
                tenant: "acme",
                scope: "isolation",
                tool: "send_email",
                arguments: [
                    "to": .string("user\(action)@example.com"),
                    "body": "Hi, the signed contract for the renewal is attached to this message",
                ]
            )
            var reworded = call
            reworded.arguments = [
                "to": .string("User\(action)@Example.com"),
                "body": "Hi, the signed contract for the renewal is attached to this message!",
            ]
            // Eight claims of one action at once, half through each replica, half of them reworded.
            let decisions = try await withThrowingTaskGroup(of: Decision.self) { group in
                for claim in 0..<8 {
                    let ledger = claim.isMultiple(of: 2) ? first : second
                    let sent = claim < 4 ? call : reworded
                    group.addTask { try await ledger.claim(sent).decision }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            granted[action] = decisions.filter { $0 == .new }.count
            #expect(decisions.filter { $0 == .inProgress }.count == 7, "action \(action): \(decisions)")
        }
        #expect(
            granted.values.allSatisfy { $0 == 1 },
            "actions granted other than once: \(granted.filter { $0.value != 1 })"
        )
    }
}
