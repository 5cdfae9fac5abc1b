import DedupCore
import Testing

extension LedgerConformance {
    static let semantics: [Case] = [
        Case(name: "argument key order is irrelevant") { factory in
            let ledger = try await factory(Fixture.configuration(TestClock()))
            let first = try await ledger.claim(
                Fixture.with(
                    Fixture.charge,
                    arguments: .object(["amount": 4999, "currency": "usd", "customer": "cus_42"])
                )
            )
            let second = try await ledger.claim(
                Fixture.with(
                    Fixture.charge,
                    arguments: .object(["customer": "cus_42", "currency": "usd", "amount": 4999.0])
                )
            )
            #expect(first.decision == .new)
            #expect(second.decision == .inProgress)
            #expect(second.layer == .exact)
        },
        Case(name: "empty arguments are a call like any other") { factory in
            let ledger = try await factory(Fixture.configuration(TestClock()))
            let call = ToolCall(tenant: "acme", scope: "s", tool: "rotate_keys", arguments: [:])
            #expect(try await ledger.claim(call).decision == .new)
            #expect(try await ledger.claim(Fixture.with(call, arguments: nil)).decision == .inProgress)
        },
        Case(name: "a reworded e-mail is a semantic duplicate with the stored result") { factory in
            let ledger = try await factory(Fixture.configuration(TestClock()))
            let first = try await ledger.claim(Fixture.email)
            _ = try await ledger.complete(tenant: "acme", callID: first.callID!, .succeeded(["message_id": "m-1"]))
            let retry = try await ledger.claim(Fixture.emailReworded)
            #expect(retry.decision == .duplicate)
            #expect(retry.layer == .semantic)
            #expect((retry.score ?? 0) >= 0.9)
            #expect(retry.match?.result == ["message_id": "m-1"])
        },
        Case(name: "partitions dropped from a full vector index load again: reworded retries still match") {
            factory in
            // A budget of one byte holds no row: every partition is dropped as soon as its call is decided
            // and must load from the store again for the next one.
            var configuration = Fixture.configuration(TestClock())
            configuration.indexMemoryBytes = 1
            let ledger = try await factory(configuration)
            var others: [ToolCall] = []
            for index in 0..<5 {
                var other = Fixture.email
                other.scope = "session-\(index + 2)"
                others.append(other)
                #expect(try await ledger.claim(other).decision == .new)
            }
            let first = try await ledger.claim(Fixture.email)
            _ = try await ledger.complete(tenant: "acme", callID: first.callID!, .succeeded(["message_id": "m-1"]))
            for other in others { _ = try await ledger.check(other) }
            let retry = try await ledger.claim(Fixture.emailReworded)
            #expect(retry.decision == .duplicate)
            #expect(retry.layer == .semantic)
            #expect(retry.match?.result == ["message_id": "m-1"])
            var reworded = Fixture.emailReworded
            reworded.scope = "session-4"
            #expect(try await ledger.claim(reworded).decision == .inProgress)
        },
        Case(name: "an identity field that differs is never a duplicate, however alike the text") { factory in
            let ledger = try await factory(Fixture.configuration(TestClock()))
            _ = try await ledger.claim(Fixture.email)
            var other = Fixture.email
            other.arguments = [
                "to": "alicia@example.com",
                "subject": "Quarterly report",
                "body": "Hi Bob, the quarterly report is attached. Let me know if you have any questions.",
            ]
            #expect(try await ledger.claim(other).decision == .new)
            let bigger = Fixture.with(
                Fixture.charge,
                arguments: ["customer": "cus_42", "amount": 49990, "currency": "usd"]
            )
            _ = try await ledger.claim(Fixture.charge)
            #expect(try await ledger.claim(bigger).decision == .new)
        },
        Case(name: "opposite actions in free text are never duplicates") { factory in
            let ledger = try await factory(Fixture.configuration(TestClock()))
            let enable = ToolCall(
                tenant: "acme",
                scope: "s",
                tool: "post_update",
                arguments: ["text": "Please enable two-factor authentication for the admin account today"]
            )
            let disable = Fixture.with(
                enable,
                arguments: ["text": "Please disable two-factor authentication for the admin account today"]
            )
            #expect(try await ledger.claim(enable).decision == .new)
            #expect(try await ledger.claim(disable).decision == .new)
        },
        Case(name: "policy intent key: same identity fields are the same action") { factory in
            var configuration = Fixture.configuration(TestClock())
            configuration.normalizer = Normalizer(
                policies: PolicySet(tools: ["create_ticket": ToolPolicy(identityFields: ["project", "external_ref"])])
            )
            let ledger = try await factory(configuration)
            let first = ToolCall(
                tenant: "acme",
                scope: "s",
                tool: "create_ticket",
                arguments: ["project": "OPS", "external_ref": "INC-7", "title": "Disk full on db-1"]
            )
            let second = Fixture.with(
                first,
                arguments: ["project": "OPS", "external_ref": "INC-7", "title": "db-1 is out of disk space"]
            )
            #expect(try await ledger.claim(first).decision == .new)
            let verdict = try await ledger.claim(second)
            #expect(verdict.decision == .inProgress)
            #expect(verdict.layer == .intent)
        },
    ]

    static let isolation: [Case] = [
        Case(name: "tenants are walls: identical calls never match and records are invisible") { factory in
            let ledger = try await factory(Fixture.configuration(TestClock()))
            let mine = try await ledger.claim(Fixture.charge)
            var theirs = Fixture.charge
            theirs.tenant = "globex"
            let other = try await ledger.claim(theirs)
            #expect(mine.decision == .new)
            #expect(other.decision == .new)
            #expect(mine.callID != other.callID)
            var rewordedTheirs = Fixture.emailReworded
            rewordedTheirs.tenant = "globex"
            _ = try await ledger.claim(Fixture.email)
            #expect(try await ledger.check(rewordedTheirs).decision == .new)
            #expect(try await ledger.record(tenant: "globex", callID: mine.callID!) == nil)
            #expect(
                try await ledger.history(tenant: "globex", scope: "session-1", limit: 10).map(\.id) == [other.callID!]
            )
            do {
                _ = try await ledger.complete(tenant: "globex", callID: mine.callID!, .succeeded())
                Issue.record("another tenant must not complete my call")
            } catch let error as DedupError {
                #expect(error.isNotFound)
            }
            var keyed = Fixture.charge
            keyed.idempotencyKey = "shared-key"
            var keyedTheirs = theirs
            keyedTheirs.idempotencyKey = "shared-key"
            keyedTheirs.arguments = ["customer": "cus_1", "amount": 1, "currency": "usd"]
            _ = try await ledger.claim(keyed)
            #expect(try await ledger.claim(keyedTheirs).decision == .new)
        }
    ]

    static let races: [Case] = [
        Case(name: "100 rounds of two concurrent claims of the same action: exactly one proceeds") { factory in
            let ledger = try await factory(Fixture.configuration(TestClock()))
            for round in 0..<100 {
                let call = Fixture.with(
                    Fixture.charge,
                    arguments: ["customer": .string("cus_\(round)"), "amount": 4999, "currency": "usd"]
                )
                let decisions = try await concurrently(ledger, [call, call])
                #expect(decisions.filter { $0 == .new }.count == 1, "round \(round): \(decisions)")
            }
        },
        Case(name: "100 rounds of two concurrent reworded equivalents: exactly one proceeds") { factory in
            let ledger = try await factory(Fixture.configuration(TestClock()))
            for round in 0..<100 {
                var first = Fixture.email
                first.scope = "race-\(round)"
                var second = Fixture.emailReworded
                second.scope = "race-\(round)"
                let decisions = try await concurrently(ledger, [first, second])
                #expect(decisions.filter { $0 == .new }.count == 1, "round \(round): \(decisions)")
            }
        },
    ]

    private static func concurrently(_ ledger: any Ledger, _ calls: [ToolCall]) async throws -> [Decision] {
        try await withThrowingTaskGroup(of: Decision.self) { group in
            for call in calls { group.addTask { try await ledger.claim(call).decision } }
            var decisions: [Decision] = []
            for try await decision in group { decisions.append(decision) }
            return decisions
        }
    }
}
