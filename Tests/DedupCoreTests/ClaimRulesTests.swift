import DedupCore
import Foundation
import Testing

/// The claim rules, without a store: status + lease + time → verdict and the writes to make.
@Suite struct ClaimRulesTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let rules = ClaimRules(window: .seconds(3600))

    static func match(_ status: CallStatus, retryable: Bool = false, leaseEndsIn seconds: Double? = nil)
        -> ClaimRules.Match
    {
        let record = CallRecord(
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
            error: status == .failed ? "boom" : nil,
            retryable: retryable,
            attempts: 2,
            leaseExpiresAt: seconds.map { now.addingTimeInterval($0) },
            createdAt: now.addingTimeInterval(-100),
            updatedAt: now.addingTimeInterval(-50),
            expiresAt: now.addingTimeInterval(600)
        )
        return ClaimRules.Match(record: record, layer: .exact, score: 1, borderline: false, reason: "same call")
    }

    struct Row: Sendable, CustomTestStringConvertible {
        let name: String
        let match: ClaimRules.Match
        let decision: Decision
        let event: AuditEvent.Kind?
        let takesOver: Bool
        var testDescription: String { name }
    }

    static let rows: [Row] = [
        Row(
            name: "succeeded → duplicate",
            match: match(.succeeded),
            decision: .duplicate,
            event: .duplicate,
            takesOver: false
        ),
        Row(
            name: "terminal failure → duplicate",
            match: match(.failed),
            decision: .duplicate,
            event: .duplicate,
            takesOver: false
        ),
        Row(
            name: "live lease → in progress",
            match: match(.pending, leaseEndsIn: 5),
            decision: .inProgress,
            event: .inProgress,
            takesOver: false
        ),
        Row(
            name: "lease ends exactly now → taken over",
            match: match(.pending, leaseEndsIn: 0),
            decision: .new,
            event: .takeover,
            takesOver: true
        ),
        Row(
            name: "expired lease → taken over",
            match: match(.pending, leaseEndsIn: -1),
            decision: .new,
            event: .takeover,
            takesOver: true
        ),
        Row(
            name: "retryable failure → next attempt",
            match: match(.failed, retryable: true),
            decision: .new,
            event: .retry,
            takesOver: true
        ),
    ]

    @Test(arguments: rows)
    func claim(_ row: Row) {
        switch Self.rules.decide(row.match, lease: .seconds(30), now: Self.now) {
        case .answer(let verdict, let event):
            #expect(!row.takesOver)
            #expect(verdict.decision == row.decision)
            #expect(event == row.event)
            #expect(verdict.attempt == 2)
            #expect(verdict.match?.result == row.match.record.result)
        case .takeOver(let verdict, let updated, let status, let attempts, let event):
            #expect(row.takesOver)
            #expect(verdict.decision == .new)
            #expect(verdict.recovered == (row.match.record.status == .pending))
            #expect(verdict.attempt == 3)
            #expect(event == row.event)
            // Conditional on what was read, so a racing completion is never overwritten.
            #expect(status == row.match.record.status && attempts == 2)
            #expect(updated.status == .pending && updated.attempts == 3)
            #expect(updated.result == nil && updated.error == nil && !updated.retryable && updated.completedAt == nil)
            #expect(updated.leaseExpiresAt == Self.now.addingTimeInterval(30))
            #expect(updated.expiresAt == Self.now.addingTimeInterval(3600))
        }
    }

    @Test(arguments: rows)
    func checkWritesNothing(_ row: Row) {
        guard case .answer(let verdict, _) = Self.rules.decide(row.match, lease: nil, now: Self.now) else {
            Issue.record("a check must never write")
            return
        }
        #expect(verdict.decision == row.decision)
    }
}
