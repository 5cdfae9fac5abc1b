import DedupCore
import DedupTesting
import Foundation
import Synchronization
import Testing

/// The verdict's per-layer timings (`timings_us`) put each layer's time where it was spent.
@Suite struct LayerTimingsTests {
    /// A local verifier that takes at least `busy` per judgement and says the pair is distinct.
    final class SlowVerifier: LocalVerifier {
        let busy: Duration
        let judged = Mutex(0)

        init(busy: Duration) { self.busy = busy }

        func judge(_ proposed: NormalizedCall, against candidate: CallRecord, score: Double) -> Judgement {
            judged.withLock { $0 += 1 }
            let start = ContinuousClock.now
            while ContinuousClock.now - start < busy {}
            return Judgement(.distinct, "slow")
        }
    }

    /// The in-line verifier's time is `verify`, not `search`: it used to be counted in the search and the
    /// verdict said `verify` 0 although the pair model had judged the candidate.
    @Test func anInLineVerifiersTimeIsReportedAsVerify() async throws {
        let verifier = SlowVerifier(busy: .milliseconds(3))
        let ledger = try await DedupLedger(
            store: MemoryLedgerStore(),
            embedder: HashingEmbedder.bundled(),
            configuration: LedgerConfiguration(
                funnel: FunnelConfiguration(borderlineThreshold: 0.05),
                verifier: verifier
            )
        )
        let first = ToolCall(
            tenant: "t",
            scope: "s",
            tool: "post_message",
            arguments: ["text": "The build is broken on main."]
        )
        let retry = ToolCall(
            tenant: "t",
            scope: "s",
            tool: "post_message",
            arguments: ["text": "The build fails on main again."]
        )
        #expect(try await ledger.claim(first).decision == .new)
        let verdict = try await ledger.check(retry)
        try #require(
            verifier.judged.withLock { $0 } >= 1,
            "the candidate never reached the verifier: \(verdict.reason)"
        )
        let timings = verdict.timings
        #expect(timings.verify >= 3000, "verify \(timings.verify) µs for a judgement that took at least 3 ms")
        #expect(timings.search + timings.verify <= timings.total + 1, "\(timings.entries)")
    }
}
