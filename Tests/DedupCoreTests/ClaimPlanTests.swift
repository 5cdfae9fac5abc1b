import Foundation
import Testing

@testable import DedupCore

/// The claim rules over every funnel outcome and the completion rule, without a store: outcome + record +
/// time → verdict + the writes to make.
@Suite struct ClaimPlanTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let rules = ClaimRules(window: .seconds(3600))
    static let claim = ClaimRules.Mode.claim(lease: .seconds(30), newID: "call_new", keyVersion: "k1", modelID: "m1")

    static func call(key: String? = nil) throws -> NormalizedCall {
        var call = ToolCall(tenant: "t", scope: "s", tool: "charge_card", arguments: ["customer": "c", "amount": 5])
        call.idempotencyKey = key
        return try Normalizer().normalize(call)
    }

    static func record(_ status: CallStatus, expiresIn seconds: Double = 600) -> CallRecord {
        CallRecord(
            id: "call_1",
            tenant: "t",
            scope: "s",
            tool: "charge_card",
            arguments: ["amount": 5],
            canonical: "c",
            fingerprint: "f",
            intentKey: nil,
            idempotencyKey: nil,
            signature: FieldSignature(),
            embedding: [],
            status: status,
            result: status == .pending ? nil : ["ok": true],
            retryable: false,
            attempts: 2,
            leaseExpiresAt: status == .pending ? now.addingTimeInterval(10) : nil,
            createdAt: now.addingTimeInterval(-100),
            updatedAt: now.addingTimeInterval(-50),
            expiresAt: now.addingTimeInterval(seconds)
        )
    }

    func plan(_ outcome: FunnelOutcome, mode: ClaimRules.Mode, fallback: Decision = .new) throws -> ClaimRules.Plan {
        Self.rules.plan(
            outcome,
            for: try Self.call(),
            embedding: [1, 0],
            mode: mode,
            fallback: fallback,
            now: Self.now
        )
    }

    @Test func nothingMatchedInsertsAPendingLeasedRecordWithAWindow() throws {
        guard
            case .insert(let verdict, let record, let event) = try plan(
                .noMatch(borderline: true, reason: "none"),
                mode: Self.claim
            )
        else {
            Issue.record("a claim with no match inserts")
            return
        }
        #expect(verdict.decision == .new && verdict.callID == "call_new" && verdict.borderline)
        #expect(record.id == "call_new" && record.status == .pending && record.attempts == 1)
        #expect(record.leaseExpiresAt == Self.now.addingTimeInterval(30))
        #expect(record.expiresAt == Self.now.addingTimeInterval(3600))
        #expect(record.embedding == [1, 0] && record.keyVersion == "k1" && record.modelID == "m1")
        #expect(event.kind == .claimed && event.callID == "call_new" && event.attempt == 1 && event.detail == "none")
    }

    @Test func aCheckPlansNoWriteAndNoEvent() throws {
        let outcomes: [FunnelOutcome] = [
            .noMatch(borderline: false, reason: "none"),
            .conflict(Self.record(.succeeded)),
            .match(Self.record(.succeeded), layer: .semantic, score: 0.95, borderline: false, reason: "close"),
            .needsVerification(Self.record(.succeeded), score: 0.8),
        ]
        for outcome in outcomes {
            guard case .answer(_, let event) = try plan(outcome, mode: .check, fallback: .duplicate) else {
                Issue.record("a check must never write: \(outcome)")
                continue
            }
            #expect(event == nil)
        }
    }

    @Test func aReusedIdempotencyKeyIsAConflictRecordedOnlyByAClaim() throws {
        guard case .answer(let verdict, let event) = try plan(.conflict(Self.record(.succeeded)), mode: Self.claim)
        else {
            Issue.record("a conflict writes no record")
            return
        }
        #expect(verdict.decision == .conflict && verdict.callID == "call_1" && verdict.layer == .exact)
        #expect(event?.kind == .conflict && event?.attempt == 2)
    }

    @Test func anUnsettledBorderlinePairLeansToTheToolsFallback() throws {
        let outcome = FunnelOutcome.needsVerification(Self.record(.succeeded), score: 0.8)
        guard case .answer(let duplicate, let event) = try plan(outcome, mode: Self.claim, fallback: .duplicate) else {
            Issue.record("fallback duplicate answers with the match")
            return
        }
        #expect(duplicate.decision == .duplicate && duplicate.layer == .verifier && duplicate.borderline)
        #expect(event?.kind == .duplicate)
        guard case .insert(let new, _, _) = try plan(outcome, mode: Self.claim, fallback: .new) else {
            Issue.record("fallback new claims a new record")
            return
        }
        #expect(new.decision == .new && new.borderline)
    }

    @Test func aTakeoverCarriesItsEventWithTheNewAttempt() throws {
        var expired = Self.record(.pending)
        expired.leaseExpiresAt = Self.now.addingTimeInterval(-1)
        let outcome = FunnelOutcome.match(expired, layer: .exact, score: 1, borderline: false, reason: "same")
        guard case .takeOver(_, let updated, let status, let attempts, let event) = try plan(outcome, mode: Self.claim)
        else {
            Issue.record("an expired lease is taken over")
            return
        }
        #expect(status == .pending && attempts == 2 && updated.attempts == 3)
        #expect(event.kind == .takeover && event.attempt == 3 && event.callID == "call_1")
    }

    @Test func aPendingCallTakesItsOutcomeAndAWindowFromNow() throws {
        let action = try Self.rules.complete(Self.record(.pending), with: .succeeded(["id": 7]), now: Self.now)
        guard case .write(let updated, let attempts, let event) = action else {
            Issue.record("a pending call is written")
            return
        }
        #expect(attempts == 2)
        #expect(updated.status == .succeeded && updated.result == ["id": 7] && updated.leaseExpiresAt == nil)
        #expect(updated.completedAt == Self.now && updated.expiresAt == Self.now.addingTimeInterval(3600))
        #expect(event.kind == .completed && event.status == .succeeded && event.detail == "succeeded")
    }

    @Test func aCompletionNeverShortensTheWindow() throws {
        let action = try Self.rules.complete(
            Self.record(.pending, expiresIn: 7200),
            with: .failed("boom", retryable: true),
            now: Self.now
        )
        guard case .write(let updated, _, let event) = action else {
            Issue.record("a pending call is written")
            return
        }
        #expect(updated.expiresAt == Self.now.addingTimeInterval(7200))
        #expect(updated.retryable && event.detail == "failed (retryable): boom")
    }

    @Test func aCompletedCallAcceptsOnlyTheSameOutcomeAgain() throws {
        let done = Self.record(.succeeded)
        #expect(try Self.rules.complete(done, with: .succeeded(["ok": true]), now: Self.now) == .alreadyRecorded(done))
        #expect(throws: DedupError.self) {
            try Self.rules.complete(done, with: .succeeded(["ok": false]), now: Self.now)
        }
    }
}
