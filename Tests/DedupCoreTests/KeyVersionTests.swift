import Testing

@testable import DedupCore

/// The key version every record stores: remembered per tool, and never stale when a setting it digests
/// changes.
@Suite struct KeyVersionTests {
    @Test func aRememberedVersionIsTheComputedOneAndFollowsEveryChange() {
        var normalizer = Normalizer()
        let plain = normalizer.keyVersion(forTool: "send_email")
        #expect(plain == normalizer.computeKeyVersion(forTool: "send_email"))
        #expect(normalizer.keyVersion(forTool: "send_email") == plain)
        #expect(plain.hasPrefix("rules-\(Normalizer.rulesVersion)-"))

        let copy = normalizer
        normalizer.policies = PolicySet(tools: ["send_email": ToolPolicy(identityFields: ["to"])])
        let withPolicy = normalizer.keyVersion(forTool: "send_email")
        #expect(withPolicy != plain)
        #expect(withPolicy == normalizer.computeKeyVersion(forTool: "send_email"))
        #expect(normalizer.keyVersion(forTool: "charge_card") == plain, "another tool keeps the default version")
        #expect(copy.keyVersion(forTool: "send_email") == plain, "a copy keeps the settings it was made with")

        normalizer.volatileFields.insert("shipmentbatch")
        #expect(normalizer.keyVersion(forTool: "charge_card") != plain)
        normalizer.semanticBudget.maxValues += 1
        #expect(normalizer.keyVersion(forTool: "send_email") == normalizer.computeKeyVersion(forTool: "send_email"))
    }

    @Test func theMemoStaysBoundedWhateverToolNamesCallersSend() {
        let memo = KeyVersionMemo()
        for number in 0..<(3 * KeyVersionMemo.capacity) { _ = memo.value(for: "tool_\(number)") { $0 } }
        #expect(memo.count <= KeyVersionMemo.capacity)
        #expect(memo.value(for: "tool_7") { _ in "made again" } == "made again")
    }
}
