import DedupCore
import Testing

/// The issue's pairs end to end through a real ledger: `a` claimed and completed, then `b` checked.
@Suite struct PairJudgementTests {
    func secondCall(
        _ tool: String,
        _ first: JSONValue,
        _ second: JSONValue,
        policies: PolicySet = PolicySet()
    ) async throws -> Verdict {
        let ledger = try await DedupLedger(
            store: MemoryLedgerStore(),
            embedder: HashingEmbedder.bundled(),
            configuration: LedgerConfiguration(normalizer: Normalizer(policies: policies))
        )
        let verdict = try await ledger.claim(ToolCall(tenant: "t", scope: "s", tool: tool, arguments: first))
        let id = try #require(verdict.callID)
        _ = try await ledger.complete(tenant: "t", callID: id, .succeeded(["ok": true]))
        return try await ledger.check(ToolCall(tenant: "t", scope: "s", tool: tool, arguments: second))
    }

    static let runbook =
        "Follow the runbook: generate the CSR, have it signed by the internal CA, upload the bundle to the load balancer, reload the listeners, check the chain from a client outside the VPN, update the expiry in the inventory and tell the on-call channel when the old certificate can be revoked."

    static let differentActions: [(String, JSONValue, JSONValue)] = [
        (
            "run_sql", ["query": "UPDATE accounts SET balance = balance + 100 WHERE id = 7"],
            ["query": "UPDATE accounts SET balance = balance - 100 WHERE id = 7"]
        ),
        (
            "post_message", ["text": "Promote db-2 to primary and demote db-1 to replica"],
            ["text": "Promote db-1 to primary and demote db-2 to replica"]
        ),
        (
            "send_email",
            ["body": "Unfortunately we can't approve the vendor invoice for the Lisbon office this month."],
            ["body": "Unfortunately we can approve the vendor invoice for the Lisbon office this month."]
        ),
        (
            "post_message", ["text": "Transfer ownership of the repo from alice to bob"],
            ["text": "Transfer ownership of the repo from bob to alice"]
        ),
        (
            "create_ticket", ["title": "Rotate the staging TLS certificate", "description": .string(runbook)],
            ["title": "Rotate the production TLS certificate", "description": .string(runbook)]
        ),
    ]

    @Test(arguments: differentActions.indices)
    func theIssuesDifferentActionsAreNew(_ index: Int) async throws {
        let (tool, first, second) = Self.differentActions[index]
        let verdict = try await secondCall(tool, first, second)
        #expect(verdict.decision == .new, "\(verdict.reason)")
    }

    @Test func theReadmePolicyKeepsTwoEmailsToOneRecipientApart() async throws {
        let policies = try PolicySet(json: [
            "tools": ["send_email": ["identity": ["to", "cc", "subject"], "text": ["body"]]]
        ])
        let verdict = try await secondCall(
            "send_email",
            ["to": "bob@x.com", "subject": "Invoice 42", "body": "Your invoice 42 is overdue."],
            ["to": "bob@x.com", "subject": "Lunch", "body": "Want to grab lunch on Friday?"],
            policies: policies
        )
        #expect(verdict.decision == .new, "\(verdict.reason)")
    }

    @Test func theIntentKeyNeedsEveryDeclaredField() throws {
        let normalizer = Normalizer(
            policies: PolicySet(tools: ["send_email": ToolPolicy(identityFields: ["to", "cc"])])
        )
        let without = try normalizer.normalize(
            ToolCall(tenant: "t", scope: "s", tool: "send_email", arguments: ["to": "bob@x.com", "body": "Hi"])
        )
        #expect(without.intentKey == nil)
        let with = try normalizer.normalize(
            ToolCall(tenant: "t", scope: "s", tool: "send_email", arguments: ["to": "bob@x.com", "cc": "a@x.com"])
        )
        #expect(with.intentKey != nil)
    }

    static let sameActions: [(String, JSONValue, JSONValue)] = [
        ("book", ["at": "2023-07-10 15:00:00"], ["at": "2023-07-10 15:00"]),
        ("book", ["at": "2023-07-10 15:00"], ["at": "2023-07-10T15:00"]),
        ("book", ["at": "2023-04-01T10:00:00Z"], ["at": "2023-04-01T10:00:00+00:00"]),
        ("meet", ["attendees": "['David Wang', 'Amy Chen']"], ["attendees": ["David Wang", "Amy Chen"]]),
        (
            "vitals", ["readings": "[{'name': 'heart_rate', 'value': '80'}]"],
            ["readings": [["name": "heart_rate", "value": "80"]]]
        ),
        ("settings", ["notify": "True"], ["notify": true]),
        (
            "send_email", ["to": "cfo@x.com", "body": "Please review the Q3 Budget draft"],
            ["to": "cfo@x.com", "body": "Please review the Q3 budget draft"]
        ),
        ("pay", ["amount": "$1,250"], ["amount": "$1250"]),
    ]

    @Test(arguments: sameActions.indices)
    func theIssuesSameActionsAreDuplicates(_ index: Int) async throws {
        let (tool, first, second) = Self.sameActions[index]
        let verdict = try await secondCall(tool, first, second)
        #expect(verdict.decision == .duplicate, "\(verdict.reason)")
    }
}
