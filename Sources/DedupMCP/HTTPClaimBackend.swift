public import DedupCore
public import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A `ClaimBackend` on a running `dedup serve`: `POST /v1/claim` and `POST /v1/calls/{id}/complete`.
///
/// The API key decides the tenant. Any answer other than a verdict (200, 409, 422) or a completed record is
/// a `ProxyError.ledger` carrying the server's problem detail, so the proxy refuses rather than executes.
public struct HTTPClaimBackend: ClaimBackend {
    /// The server's base URL, e.g. `http://127.0.0.1:8080`.
    public var baseURL: URL
    /// The bearer key (`DEDUP_API_KEY`).
    public var apiKey: String?
    /// How long one request may take.
    public var timeout: TimeInterval

    /// A backend talking to `baseURL` with `apiKey`.
    public init(baseURL: URL, apiKey: String?, timeout: TimeInterval = 10) {
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.timeout = timeout
    }

    /// Claims `call` in the ledger; the verdict as the proxy reads it.
    public func claim(_ call: ToolCall) async throws -> ProxyVerdict {
        var body: [String: JSONValue] = [
            "scope": .string(call.scope), "tool": .string(call.tool), "arguments": call.arguments,
        ]
        if let key = call.idempotencyKey { body["idempotency_key"] = .string(key) }
        let (status, json) = try await post("v1/claim", .object(body))
        guard [200, 409, 422].contains(status) else { throw problem(status, json) }
        return try ProxyVerdict(json: json)
    }

    /// Records the outcome of the claim `callID`.
    public func complete(callID: String, _ completion: Completion) async throws {
        let body: JSONValue = [
            "status": .string(completion.status.rawValue), "result": completion.result ?? .null,
            "error": completion.error.map { .string($0) } ?? .null, "retryable": .bool(completion.retryable),
        ]
        let id = callID.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? callID
        let (status, json) = try await post("v1/calls/\(id)/complete", body)
        guard status == 200 else { throw problem(status, json) }
    }

    private func post(_ path: String, _ body: JSONValue) async throws -> (Int, JSONValue) {
        var request = URLRequest(url: baseURL.appendingPathComponent(path), timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.httpBody = Data(body.canonicalText.utf8)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let apiKey { request.setValue("Bearer \(apiKey)", forHTTPHeaderField: "Authorization") }
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            throw ProxyError.ledger(
                "dedup serve at \(baseURL.absoluteString) is unreachable: \(error.localizedDescription)"
            )
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        let json = (try? JSONParser().parse(data)) ?? .null
        return (status, json)
    }

    private func problem(_ status: Int, _ json: JSONValue) -> ProxyError {
        let detail = json["detail"]?.stringValue ?? json.canonicalText.prefix(300).description
        return .ledger("dedup serve answered HTTP \(status): \(detail)")
    }
}
