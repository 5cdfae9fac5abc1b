import DedupCore
import DedupMCP
import MCP
import Testing

@Suite struct ProxyRulesTests {
    private func text(_ result: CallTool.Result) -> String {
        result.content
            .compactMap { content -> String? in
                if case .text(let text, _, _) = content { return text }
                return nil
            }
            .joined()
    }

    @Test func aNewClaimIsForwarded() {
        #expect(ProxyRules.action(for: ProxyVerdict(decision: .new, callID: "call_1")) == .forward(callID: "call_1"))
    }

    @Test func aNewClaimWithoutAnIdIsRefusedNotExecuted() throws {
        guard case .answer(let result) = ProxyRules.action(for: ProxyVerdict(decision: .new, callID: nil)) else {
            Issue.record("a claim without an id must not be forwarded")
            return
        }
        #expect(result.isError == true)
    }

    @Test func aDuplicateReplaysTheStoredResultWithMeta() throws {
        let stored = CallTool.Result(content: [.text(text: "sent m-1", annotations: nil, _meta: nil)])
        let match = ProxyVerdict.Match(callID: "call_1", status: .succeeded, result: try MCPJSON.json(stored))
        let verdict = ProxyVerdict(decision: .duplicate, callID: "call_1", layer: "semantic", score: 0.97, match: match)
        guard case .answer(let result) = ProxyRules.action(for: verdict) else {
            Issue.record("a duplicate must not be forwarded")
            return
        }
        #expect(text(result) == "sent m-1")
        let meta = try #require(result._meta?[ProxyRules.metaKey]?.objectValue)
        #expect(meta["decision"] == .string("duplicate"))
        #expect(meta["layer"] == .string("semantic"))
        #expect(meta["score"] == .double(0.97))
        #expect(meta["original_call_id"] == .string("call_1"))
    }

    @Test(arguments: [
        ProxyVerdict(decision: .inProgress, callID: "call_2"),
        ProxyVerdict(decision: .duplicate, callID: "call_2", match: .init(callID: "call_2", status: .pending)),
    ])
    func aRunningActionIsAToolErrorSayingNotToRepeat(verdict: ProxyVerdict) {
        guard case .answer(let result) = ProxyRules.action(for: verdict) else {
            Issue.record("a running action must not be forwarded")
            return
        }
        #expect(result.isError == true)
        #expect(text(result).contains("already running"))
        #expect(text(result).contains("Do not repeat"))
    }

    @Test func aConflictIsRefused() {
        guard case .answer(let result) = ProxyRules.action(for: ProxyVerdict(decision: .conflict, callID: nil)) else {
            Issue.record("a conflict must not be forwarded")
            return
        }
        #expect(result.isError == true)
    }

    @Test(arguments: [false, true])
    func anUpstreamErrorFailsRetryableOnlyWhenAsked(retryOnError: Bool) throws {
        let failed = CallTool.Result(content: [.text(text: "quota", annotations: nil, _meta: nil)], isError: true)
        let completion = try ProxyRules.completion(for: failed, retryOnError: retryOnError)
        #expect(completion.status == .failed)
        #expect(completion.error == "quota")
        #expect(completion.retryable == retryOnError)
        let succeeded = try ProxyRules.completion(for: CallTool.Result(content: []), retryOnError: retryOnError)
        #expect(succeeded.status == .succeeded)
    }

    @Test func theIdempotencyKeyComesFromMeta() {
        let sep = Metadata(additionalFields: ["io.modelcontextprotocol/idempotency-key": .string("k-1")])
        #expect(ProxyRules.idempotencyKey(in: sep) == "k-1")
        #expect(ProxyRules.idempotencyKey(in: Metadata(additionalFields: ["idempotencyKey": .string("k-2")])) == "k-2")
        #expect(ProxyRules.idempotencyKey(in: Metadata(additionalFields: ["idempotencyKey": .string("")])) == nil)
        #expect(ProxyRules.idempotencyKey(in: nil) == nil)
    }

    @Test func onlyToolsAnnotatedReadOnlySkipTheLedger() {
        let readOnly = Tool(
            name: "search",
            description: "Search.",
            inputSchema: [:],
            annotations: .init(readOnlyHint: true)
        )
        let unannotated = Tool(name: "send", description: "Send.", inputSchema: [:])
        #expect(ProxyRules.isReadOnly(readOnly))
        #expect(!ProxyRules.isReadOnly(unannotated))
        #expect(!ProxyRules.isReadOnly(nil))
    }

    @Test func aVerdictIsReadFromTheLedgersJSON() throws {
        let json = try JSONParser()
            .parse(
                #"{"decision":"duplicate","call_id":"c1","layer":"exact","score":1,"match":{"call_id":"c1","status":"succeeded","result":{"a":1},"error":null}}"#
            )
        let verdict = try ProxyVerdict(json: json)
        #expect(verdict.decision == .duplicate)
        #expect(verdict.match == .init(callID: "c1", status: .succeeded, result: ["a": 1]))
        #expect(throws: ProxyError.self) { try ProxyVerdict(json: ["decision": "maybe"]) }
    }
}
