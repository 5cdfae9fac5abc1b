import DedupCore
import DedupPostgres
import DedupTesting
import Foundation
import Testing

/// The ledger conformance suite and the replica races against PostgreSQL.
///
/// They need `DEDUP_TEST_POSTGRES_URL` (`eval "$(scripts/postgres.sh start)"`; `scripts/test.sh` and CI
/// start a throwaway cluster). Outside CI without it they are skipped; in CI its absence fails the run.
@Suite(.serialized) struct PostgresLedgerTests {
    @Test func aDatabaseIsAvailableInCI() throws {
        if PostgresTestDatabase.required {
            #expect(PostgresTestDatabase.url != nil, "CI must start PostgreSQL and set DEDUP_TEST_POSTGRES_URL")
        }
    }

    @Test(
        .enabled(if: PostgresTestDatabase.url != nil, "DEDUP_TEST_POSTGRES_URL is not set: PostgreSQL tests skipped"),
        arguments: LedgerConformance.cases
    )
    func conformance(_ test: LedgerConformance.Case) async throws {
        let clients = RunningClients()
        do {
            try await test.run { configuration in
                let store = try await clients.store(url: try await PostgresTestDatabase.fresh())
                return try await DedupLedger(
                    store: store,
                    embedder: HashingEmbedder.bundled(),
                    configuration: configuration
                )
            }
        } catch {
            await clients.shutdown()
            throw error
        }
        await clients.shutdown()
    }

    /// Two replicas (two ledgers, two pools) on one database: what one writes reaches the other's index.
    @Test(
        .enabled(if: PostgresTestDatabase.url != nil, "DEDUP_TEST_POSTGRES_URL is not set: PostgreSQL tests skipped"),
        arguments: SharedStoreScenarios.cases
    )
    func sharedDatabase(_ test: SharedStoreScenarios.Case) async throws {
        let clients = RunningClients()
        do {
            try await test.run { configuration in
                let url = try await PostgresTestDatabase.fresh()
                let embedder = try HashingEmbedder.bundled()
                return (
                    try await DedupLedger(
                        store: try await clients.store(url: url),
                        embedder: embedder,
                        configuration: configuration
                    ),
                    try await DedupLedger(
                        store: try await clients.store(url: url),
                        embedder: embedder,
                        configuration: configuration
                    )
                )
            }
        } catch {
            await clients.shutdown()
            throw error
        }
        await clients.shutdown()
    }

    /// Two replicas (two ledgers, two pools) on one database: of each pair of racing claims — the same call,
    /// or reworded equivalents, one through each replica — exactly one proceeds; a completion on one replica
    /// is a duplicate with the stored result on the other.
    @Test(.enabled(if: PostgresTestDatabase.url != nil, "DEDUP_TEST_POSTGRES_URL is not set: PostgreSQL tests skipped"))
    func twoReplicasClaimEachActionOnce() async throws {
        let clients = RunningClients()
        let url = try await PostgresTestDatabase.fresh()
        let embedder = try HashingEmbedder.bundled()
        let first = try await DedupLedger(store: try await clients.store(url: url), embedder: embedder)
        let second = try await DedupLedger(store: try await clients.store(url: url), embedder: embedder)
        for round in 0..<100 {
            let call = ToolCall(
                tenant: "acme",
                scope: "replicas-\(round)",
                tool: "send_email",
                arguments: [
                    "to": .string("user\(round)@example.com"),
                    "body": "Hi, the signed contract for the renewal is attached to this message",
                ]
            )
            var reworded = call
            reworded.arguments = [
                "to": .string("User\(round)@Example.com"),
                "body": "Hi, the signed contract for the renewal is attached to this message!",
            ]
            let secondCall = round.isMultiple(of: 2) ? call : reworded
            let decisions = try await withThrowingTaskGroup(of: Decision.self) { group in
                group.addTask { try await first.claim(call).decision }
                group.addTask { try await second.claim(secondCall).decision }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(decisions.filter { $0 == .new }.count == 1, "round \(round): \(decisions)")
        }
        let call = ToolCall(
            tenant: "acme",
            scope: "replicas-0",
            tool: "send_email",
            arguments: [
                "to": "user0@example.com",
                "body": "Hi, the signed contract for the renewal is attached to this message",
            ]
        )
        let id = try #require(try await first.history(tenant: "acme", scope: "replicas-0", limit: 1).first?.id)
        _ = try await first.complete(tenant: "acme", callID: id, .succeeded(["message_id": "m-1"]))
        let replay = try await second.claim(call)
        #expect(replay.decision == .duplicate)
        #expect(replay.match?.result == ["message_id": "m-1"])
        await clients.shutdown()
    }

    @Test func databaseURLsAreCheckedWithAClearError() {
        for bad in ["mysql://a@b/c", "postgres://", "not a url", "postgres:///db"] {
            #expect(throws: DedupError.self) { try PostgresStore.configuration(url: bad) }
        }
        #expect(throws: Never.self) { try PostgresStore.configuration(url: "postgres://dedup@127.0.0.1:5432/dedup") }
    }
}
