import DedupCore
import DedupServer
import Foundation
import Synchronization
import Testing

/// The metrics wrapper around the configured verifier: it must not change what the verifier is given.
@Suite struct MeteredVerifierTests {
    /// A local verifier that records which of its two entry points the funnel's call reached.
    final class Spy: LocalVerifier {
        let calls = Mutex<[String]>([])

        func judge(_ proposed: NormalizedCall, against candidate: CallRecord, score: Double) -> Judgement {
            calls.withLock { $0.append("without diff") }
            return Judgement(.distinct, "spy")
        }

        func judge(
            _ proposed: NormalizedCall,
            against candidate: CallRecord,
            score: Double,
            diff: PairDiff,
            memo: inout ProposalMemo
        ) -> Judgement {
            calls.withLock { $0.append("with diff of \(diff.fields.keys.sorted())") }
            return Judgement(.duplicate, "spy")
        }
    }

    @Test func aMeteredLocalVerifierHandsOnTheFunnelsDiffAndMemo() throws {
        let spy = Spy()
        let metered = try #require(MeteredVerifier.metered(spy, metrics: ServerMetrics()) as? any LocalVerifier)
        let call = try Normalizer()
            .normalize(
                ToolCall(tenant: "t", scope: "s", tool: "post_message", arguments: ["text": "The build is failing"])
            )
        let record = CallRecord(
            id: "call_1",
            tenant: "t",
            scope: "s",
            tool: "post_message",
            arguments: call.call.arguments,
            canonical: call.canonical,
            fingerprint: call.fingerprint,
            intentKey: nil,
            idempotencyKey: nil,
            signature: call.signature,
            embedding: [],
            status: .succeeded,
            leaseExpiresAt: nil,
            createdAt: Date(),
            updatedAt: Date(),
            expiresAt: Date().addingTimeInterval(3600)
        )
        var memo = ProposalMemo()
        let diff = PairDiff(fields: ["text": FieldDiff()])
        let judgement = metered.judge(call, against: record, score: 0.7, diff: diff, memo: &memo)
        #expect(judgement.answer == .duplicate)
        #expect(spy.calls.withLock { $0 } == ["with diff of [\"text\"]"])
    }
}
