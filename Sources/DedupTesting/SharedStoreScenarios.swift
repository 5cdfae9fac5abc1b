public import DedupCore

public import Testing

/// Cases with two ledgers on one database — two processes on one SQLite file, two replicas on one
/// PostgreSQL database — which the one-ledger ``LedgerConformance`` cases cannot show: a write one ledger
/// makes must reach the other's vector index, not only its store.
///
/// Each case gets two ledgers from the factory, over one fresh, empty database, both built with the
/// configuration it passes (a ``TestClock`` the two share).
public enum SharedStoreScenarios {
    /// Makes two ledgers over one shared, empty database, both with the given configuration.
    public typealias PairFactory = @Sendable (LedgerConfiguration) async throws -> (any Ledger, any Ledger)

    /// One case.
    public struct Case: Sendable, CustomTestStringConvertible {
        /// What the case checks.
        public let name: String
        let body: @Sendable (PairFactory) async throws -> Void

        /// Runs the case against a pair of ledgers from `factory`.
        public func run(_ factory: @escaping PairFactory) async throws {
            try await body(factory)
        }

        /// The name, shown by the test runner.
        public var testDescription: String { name }
    }

    /// Every case.
    public static let cases: [Case] = [
        Case(name: "a completion on the other ledger extends the window this ledger's index searches") { factory in
            let clock = TestClock()
            let (first, second) = try await factory(Fixture.configuration(clock))
            let id = try #require(try await first.claim(Fixture.email).callID)
            // A second look catches the first ledger's index up past the record's own change, so only a
            // change made later can bring the record in again.
            #expect(try await first.check(Fixture.email).decision == .inProgress)
            clock.advance(by: .seconds(3000))
            _ = try await second.complete(tenant: "acme", callID: id, .succeeded(["message_id": "m-1"]))
            // Past the window the claim opened (3600 s), inside the one the completion extended (6600 s).
            clock.advance(by: .seconds(1200))
            let retry = try await first.claim(Fixture.emailReworded)
            #expect(retry.decision == .duplicate)
            #expect(retry.layer == .semantic)
            #expect(retry.callID == id)
            #expect(retry.match?.result == ["message_id": "m-1"])
        },
        Case(name: "a takeover on the other ledger extends the window this ledger's index searches") { factory in
            let clock = TestClock()
            let (first, second) = try await factory(Fixture.configuration(clock))
            let id = try #require(try await first.claim(Fixture.email).callID)
            #expect(try await first.check(Fixture.email).decision == .inProgress)
            // The lease (30 s) ran out long ago: the other ledger takes the call over, a window from now.
            clock.advance(by: .seconds(3000))
            let takeover = try await second.claim(Fixture.email)
            #expect(takeover.decision == .new)
            #expect(takeover.recovered)
            #expect(takeover.callID == id)
            clock.advance(by: .seconds(1200))
            let retry = try await first.check(Fixture.emailReworded)
            #expect(retry.decision == .new)
            #expect(retry.recovered, "the reworded call must be matched to the taken-over record, not be new")
            #expect(retry.callID == id)
            #expect(retry.layer == .semantic)
        },
        Case(name: "pruning keeps a row whose window the other ledger extended") { factory in
            let clock = TestClock()
            let (first, second) = try await factory(Fixture.configuration(clock))
            let id = try #require(try await first.claim(Fixture.email).callID)
            #expect(try await first.check(Fixture.email).decision == .inProgress)
            clock.advance(by: .seconds(3000))
            _ = try await second.complete(tenant: "acme", callID: id, .succeeded(["message_id": "m-1"]))
            clock.advance(by: .seconds(1200))
            #expect(try await first.prune() == 0)
            let retry = try await first.claim(Fixture.emailReworded)
            #expect(retry.decision == .duplicate)
            #expect(retry.callID == id)
        },
    ]
}
