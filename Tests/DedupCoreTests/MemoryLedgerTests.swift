import DedupCore
import DedupTesting
import Foundation
import Testing

/// The ledger conformance suite against the in-memory store: the funnel and claim semantics on their
/// own, without SQL.
@Suite struct MemoryLedgerTests {
    @Test(arguments: LedgerConformance.cases)
    func conformance(_ test: LedgerConformance.Case) async throws {
        try await test.run { configuration in
            try await DedupLedger(
                store: MemoryLedgerStore(),
                embedder: HashingEmbedder.bundled(),
                configuration: configuration
            )
        }
    }

    /// Two ledgers, each with its own index, on one store.
    @Test(arguments: SharedStoreScenarios.cases)
    func sharedStore(_ test: SharedStoreScenarios.Case) async throws {
        try await test.run { configuration in
            let store = MemoryLedgerStore()
            return (
                try await DedupLedger(store: store, embedder: HashingEmbedder.bundled(), configuration: configuration),
                try await DedupLedger(store: store, embedder: HashingEmbedder.bundled(), configuration: configuration)
            )
        }
    }

    @Test func aThrowingTransactionLeavesNothingBehind() async throws {
        let store = MemoryLedgerStore()
        let ledger = try await DedupLedger(store: store, embedder: HashingEmbedder.bundled())
        let call = ToolCall(tenant: "t", scope: "s", tool: "x", arguments: ["id": 1])
        struct Boom: Error {}
        await #expect(throws: Boom.self) {
            try await store.withWriteTransaction { transaction in
                try transaction.insert(
                    CallRecord(
                        id: "call_x",
                        tenant: "t",
                        scope: "s",
                        tool: "x",
                        arguments: [:],
                        canonical: "",
                        fingerprint: "f",
                        intentKey: nil,
                        idempotencyKey: nil,
                        signature: FieldSignature(),
                        embedding: [],
                        status: .pending,
                        leaseExpiresAt: nil,
                        createdAt: .now,
                        updatedAt: .now,
                        expiresAt: .now.addingTimeInterval(60)
                    )
                )
                throw Boom()
            }
        }
        #expect(try await ledger.record(tenant: "t", callID: "call_x") == nil)
        #expect(try await ledger.claim(call).decision == .new)
    }
}
