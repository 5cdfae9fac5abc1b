internal import DedupCore
internal import Foundation
public import Logging
public import MCP

/// The proxy between an MCP client and an upstream MCP server: each side-effecting `tools/call` is claimed
/// in the ledger first, so a repeat — even a reworded one — gets the first execution's result.
///
/// Read-only tools (`readOnlyHint: true`) and every other request pass straight through. When the ledger
/// cannot be reached the call is refused, not executed: a proxy failure must never run an action twice.
public actor MCPProxy {
    /// How calls are claimed.
    public struct Configuration: Sendable {
        /// The scope every call of this connection is claimed in.
        public var scope: String
        /// The tenant (the embedded ledger's; `dedup serve` takes it from the key).
        public var tenant: String
        /// Whether an upstream `isError` releases the action for another attempt.
        public var retryOnError: Bool

        /// A configuration; without `scope`, one fresh scope per connection.
        public init(scope: String? = nil, tenant: String = "default", retryOnError: Bool = false) {
            self.scope = scope ?? "mcp-\(UUID().uuidString.lowercased())"
            self.tenant = tenant
            self.retryOnError = retryOnError
        }
    }

    private let upstream: Client
    private let backend: any ClaimBackend
    private let configuration: Configuration
    private let logger: Logger
    private var tools: [String: Tool] = [:]

    /// A proxy forwarding to the connected `upstream` and claiming in `backend`.
    public init(upstream: Client, backend: any ClaimBackend, configuration: Configuration, logger: Logger) {
        self.upstream = upstream
        self.backend = backend
        self.configuration = configuration
        self.logger = logger
    }

    /// `tools/list`, passed through; the annotations are remembered to tell read-only tools apart.
    public func listTools(_ parameters: ListTools.Parameters) async throws -> ListTools.Result {
        let result = try await upstream.send(ListTools.request(parameters)).value
        for tool in result.tools { tools[tool.name] = tool }
        return result
    }

    /// `tools/call`: passed through for read-only tools, otherwise claim → forward → complete, or the
    /// stored result, or a refusal telling the model not to repeat the action.
    public func callTool(_ parameters: CallTool.Parameters) async throws -> CallTool.Result {
        if tools[parameters.name] == nil { try await refreshTools() }
        if ProxyRules.isReadOnly(tools[parameters.name]) {
            return try await upstream.send(CallTool.request(parameters)).value
        }
        let verdict: ProxyVerdict
        do {
            let call = ToolCall(
                tenant: configuration.tenant,
                scope: configuration.scope,
                tool: parameters.name,
                arguments: try ProxyRules.arguments(parameters.arguments),
                idempotencyKey: ProxyRules.idempotencyKey(in: parameters._meta)
            )
            verdict = try await backend.claim(call)
        } catch {
            logger.error(
                "claim failed; the call was not executed",
                metadata: ["tool": "\(parameters.name)", "error": "\(error)"]
            )
            return ProxyRules.refusal(
                "agent-dedup could not record this call, so it was not executed (\(error)). It is safe to retry later."
            )
        }
        switch ProxyRules.action(for: verdict) {
        case .answer(let result):
            logger.info(
                "answered without calling upstream",
                metadata: ["tool": "\(parameters.name)", "decision": "\(verdict.decision.rawValue)"]
            )
            return result
        case .forward(let callID):
            return try await forward(parameters, callID: callID)
        }
    }

    private func forward(_ parameters: CallTool.Parameters, callID: String) async throws -> CallTool.Result {
        let result: CallTool.Result
        do {
            result = try await upstream.send(CallTool.request(parameters)).value
        } catch let error as MCPError {
            // A JSON-RPC error is the upstream refusing the request: nothing ran, so another attempt is safe —
            // except a broken connection, where the call may or may not have run.
            let ran: Bool
            switch error {
            case .connectionClosed, .transportError: ran = true
            default: ran = false
            }
            await record(callID, .failed("\(error)", retryable: !ran))
            throw error
        } catch {
            await record(callID, .failed("\(error)", retryable: false))
            throw error
        }
        do {
            await record(callID, try ProxyRules.completion(for: result, retryOnError: configuration.retryOnError))
        } catch {
            logger.error("cannot store the upstream result", metadata: ["call_id": "\(callID)", "error": "\(error)"])
            await record(callID, .failed("the result could not be stored: \(error)", retryable: false))
        }
        return result
    }

    /// Completes with a few retries: a claim left pending would later be taken over and run again.
    private func record(_ callID: String, _ completion: Completion) async {
        for attempt in 1...3 {
            do {
                try await backend.complete(callID: callID, completion)
                return
            } catch {
                logger.error(
                    "completing the call failed",
                    metadata: ["call_id": "\(callID)", "attempt": "\(attempt)", "error": "\(error)"]
                )
                try? await Task.sleep(for: .milliseconds(100 * attempt))
            }
        }
    }

    private func refreshTools() async throws {
        var cursor: String?
        repeat {
            let page = try await listTools(cursor.map { ListTools.Parameters(cursor: $0) } ?? ListTools.Parameters())
            cursor = page.nextCursor
        } while cursor != nil
    }
}
