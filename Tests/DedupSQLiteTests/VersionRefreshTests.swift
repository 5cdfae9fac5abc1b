import DedupCore
import DedupTesting
import Foundation
import Testing

@testable import DedupSQLite

/// Records keep the rules and model that made their keys; reopening with others re-keys them.
@Suite struct VersionRefreshTests {
    static let call = ToolCall(
        tenant: "t",
        scope: "s",
        tool: "charge_card",
        arguments: ["customer": "cus_1", "amount": 5, "session_token": "abc"]
    )

    @Test func aPolicyEditReKeysStoredCallsSoTheirRetriesStillMatch() async throws {
        let directory = try TemporaryDirectory()
        let db = directory.path("ledger.sqlite")
        let first = try await SQLiteLedger.open(path: db)
        let id = try #require(try await first.claim(Self.call).callID)
        _ = try await first.complete(tenant: "t", callID: id, .succeeded(["charge": "ch_1"]))
        #expect(try await first.record(tenant: "t", callID: id)?.keyVersion.hasPrefix("rules-") == true)
        await first.store.close()

        // The operator learns that session_token is per-call noise and says so in the policy.
        let policies = PolicySet(tools: ["charge_card": ToolPolicy(ignoredFields: ["session_token"])])
        let second = try await SQLiteLedger.open(
            path: db,
            configuration: LedgerConfiguration(normalizer: Normalizer(policies: policies))
        )
        var retry = Self.call
        retry.arguments = ["customer": "cus_1", "amount": 5, "session_token": "xyz"]
        let verdict = try await second.claim(retry)
        #expect(verdict.decision == .duplicate, "\(verdict.reason)")
        #expect(verdict.callID == id)
        #expect(verdict.match?.result == ["charge": "ch_1"])
        await second.store.close()
    }

    @Test func anotherModelReEmbedsStoredCalls() async throws {
        let directory = try TemporaryDirectory()
        let db = directory.path("ledger.sqlite")
        let email = ToolCall(
            tenant: "t",
            scope: "s",
            tool: "post_update",
            arguments: ["text": "The nightly database backup finished and was copied to cold storage"]
        )
        let hashing = try HashingEmbedder.bundled()
        let first = try await SQLiteLedger.open(path: db, embedder: hashing)
        // An hour's lease: the retry must find the call in progress however long a loaded machine takes.
        let id = try #require(try await first.claim(email, lease: .seconds(3600)).callID)
        await first.store.close()

        // A model whose vectors are not comparable with the old one's (here: mirrored).
        let second = try await SQLiteLedger.open(path: db, embedder: MirroredEmbedder(base: hashing))
        var reworded = email
        reworded.arguments = ["text": "The nightly database backup finished, and was copied to cold storage."]
        let verdict = try await second.claim(reworded)
        #expect(verdict.decision == .inProgress, "\(verdict.reason)")
        #expect(verdict.callID == id)
        #expect(try await second.record(tenant: "t", callID: id)?.modelID == "mirrored@1")
        await second.store.close()
    }
}

/// Another model: the base model's vectors, negated — so an old vector scores -1 against a new one.
struct MirroredEmbedder: Embedder {
    let base: HashingEmbedder
    var dimension: Int { base.dimension }
    var modelID: String { "mirrored@1" }
    func embed(text: String) -> [Float] { base.embed(text: text).map { -$0 } }
}
