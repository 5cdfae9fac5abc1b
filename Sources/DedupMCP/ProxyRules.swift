public import DedupCore
public import MCP

/// What the proxy does with one `tools/call`, decided without I/O so every rule is tested on its own.
public enum ProxyAction: Sendable, Equatable {
    /// Send the call upstream, then complete `callID` with the answer.
    case forward(callID: String)
    /// Answer with this result and do not call upstream (a duplicate's stored result, or a refusal).
    case answer(CallTool.Result)
}

/// The proxy's rules: verdict → action, upstream result → completion, `_meta` → idempotency key.
public enum ProxyRules {
    /// The `_meta` key under which a replayed result says it is a replay.
    public static let metaKey = "agent-dedup/verdict"
    /// The `_meta` keys read as the caller's idempotency key: SEP-3182's proposed name first, then the
    /// spellings clients use for the same idea.
    public static let idempotencyKeys = [
        "io.modelcontextprotocol/idempotency-key", "idempotencyKey", "idempotency_key",
    ]

    /// The action for a claim's verdict.
    public static func action(for verdict: ProxyVerdict) -> ProxyAction {
        switch verdict.decision {
        case .new:
            guard let callID = verdict.callID else {
                return .answer(
                    refusal("the ledger granted a claim without an id; not executing \(verdictText(verdict))")
                )
            }
            return .forward(callID: callID)
        case .inProgress:
            return .answer(inProgress(verdict))
        case .conflict:
            return .answer(
                refusal(
                    "This idempotency key was already used for a different call. Do not reuse it: give a new action a new key."
                )
            )
        case .duplicate:
            guard let match = verdict.match, match.status != .pending else { return .answer(inProgress(verdict)) }
            return .answer(replay(match, verdict: verdict))
        }
    }

    /// The completion recording an upstream answer: `isError` is a failure, released for another attempt only
    /// with `--retry-on-error`.
    public static func completion(for result: CallTool.Result, retryOnError: Bool) throws -> Completion {
        let stored = try MCPJSON.json(result)
        guard result.isError == true else { return .succeeded(stored) }
        return .failed(errorText(result), result: stored, retryable: retryOnError)
    }

    /// The caller's idempotency key in a call's `_meta`, if any (a non-empty string under `idempotencyKeys`).
    public static func idempotencyKey(in meta: Metadata?) -> String? {
        guard let meta else { return nil }
        for key in idempotencyKeys {
            if let value = meta[key]?.stringValue, !value.isEmpty { return value }
        }
        return nil
    }

    /// Whether calls of `tool` skip the ledger: only tools the upstream annotates `readOnlyHint: true`.
    /// An unknown tool is treated as side-effecting — a wrong guess there costs a claim, not a double action.
    public static func isReadOnly(_ tool: Tool?) -> Bool {
        tool?.annotations.readOnlyHint == true
    }

    /// The arguments of a call as the ledger's JSON (`{}` when there are none).
    public static func arguments(_ arguments: [String: Value]?) throws -> JSONValue {
        try MCPJSON.json(arguments ?? [:])
    }

    static func replay(_ match: ProxyVerdict.Match, verdict: ProxyVerdict) -> CallTool.Result {
        var result: CallTool.Result
        if let stored = match.result, let decoded = try? MCPJSON.decode(CallTool.Result.self, from: stored) {
            result = decoded
        } else {
            // Stored by another client in its own shape: hand its JSON back as text rather than drop it.
            let text = match.result?.canonicalText ?? match.error ?? "the earlier call left no result"
            result = CallTool.Result(
                content: [.text(text: text, annotations: nil, _meta: nil)],
                isError: match.status == .failed
            )
        }
        var meta = result._meta ?? Metadata()
        meta.fields[metaKey] = .object(metaFields(verdict, originalCallID: match.callID))
        result._meta = meta
        return result
    }

    static func inProgress(_ verdict: ProxyVerdict) -> CallTool.Result {
        let id = verdict.match?.callID ?? verdict.callID ?? "unknown"
        var result = refusal(
            "The same action (call \(id)) is already running. Do not repeat this call: wait for the first one's result."
        )
        result._meta = Metadata(additionalFields: [metaKey: .object(metaFields(verdict, originalCallID: id))])
        return result
    }

    static func refusal(_ text: String) -> CallTool.Result {
        CallTool.Result(content: [.text(text: text, annotations: nil, _meta: nil)], isError: true)
    }

    static func metaFields(_ verdict: ProxyVerdict, originalCallID: String) -> [String: Value] {
        [
            "decision": .string(verdict.decision.rawValue),
            "layer": verdict.layer.map { .string($0) } ?? .null,
            "score": verdict.score.map { .double($0) } ?? .null,
            "original_call_id": .string(originalCallID),
        ]
    }

    static func errorText(_ result: CallTool.Result) -> String {
        let texts = result.content.compactMap { content -> String? in
            if case .text(let text, _, _) = content { return text }
            return nil
        }
        return texts.isEmpty ? "the tool reported an error" : texts.joined(separator: "\n")
    }

    static func verdictText(_ verdict: ProxyVerdict) -> String {
        "(decision \(verdict.decision.rawValue))"
    }
}
