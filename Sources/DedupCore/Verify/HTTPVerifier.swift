public import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A verifier that asks an HTTP endpoint — typically an LLM judge — about each borderline pair.
///
/// It POSTs `{"tool", "score", "proposed": {"arguments", "fields"}, "candidate": {"call_id", "arguments",
/// "fields"}}` and reads `{"decision": "duplicate" | "distinct" | "unsure", "reason": "…"}` (or
/// `{"duplicate": true|false}`). Anything else — a timeout, a non-2xx status, a body it cannot read —
/// is `unsure`, so the tool's fallback decides and a broken judge never causes a false duplicate.
public struct HTTPVerifier: Verifier {
    /// Where to POST pairs.
    public var url: URL
    /// How long to wait for an answer (default 2 s): claims on the partition wait this long at worst.
    public var timeout: Duration
    /// Extra request headers, e.g. an `Authorization` for the judge.
    public var headers: [String: String]

    /// A verifier posting to `url`.
    public init(url: URL, timeout: Duration = .seconds(2), headers: [String: String] = [:]) {
        self.url = url
        self.timeout = timeout
        self.headers = headers
    }

    /// Asks the endpoint; see the type's documentation for the protocol.
    public func verify(_ proposed: NormalizedCall, against candidate: CallRecord, score: Double) async -> Judgement {
        let body: JSONValue = [
            "tool": .string(proposed.call.tool),
            "score": .number(JSONNumber(score)),
            "proposed": ["arguments": proposed.canonicalArguments, "fields": proposed.signature.jsonValue],
            "candidate": [
                "call_id": .string(candidate.id), "arguments": candidate.arguments,
                "fields": candidate.signature.jsonValue,
            ],
        ]
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.httpBody = Data(body.canonicalText.utf8)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        request.timeoutInterval = seconds
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = seconds
        configuration.timeoutIntervalForResource = seconds
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: request)
        } catch {
            return Judgement(.unsure, "verifier at \(url.absoluteString) failed: \(error.localizedDescription)")
        }
        guard let status = (response as? HTTPURLResponse)?.statusCode, (200..<300).contains(status) else {
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            return Judgement(.unsure, "verifier at \(url.absoluteString) answered HTTP \(status)")
        }
        return Self.read(data)
    }

    /// Reads an answer body; anything unexpected is `unsure`.
    static func read(_ data: Data) -> Judgement {
        guard let answer = try? JSONParser().parse(data) else {
            return Judgement(.unsure, "verifier answered with a body that is not JSON")
        }
        let reason = answer["reason"]?.stringValue ?? "external verifier"
        if let decision = answer["decision"]?.stringValue {
            switch decision {
            case "duplicate": return Judgement(.duplicate, reason)
            case "distinct", "new": return Judgement(.distinct, reason)
            default: return Judgement(.unsure, reason)
            }
        }
        if let duplicate = answer["duplicate"]?.boolValue {
            return Judgement(duplicate ? .duplicate : .distinct, reason)
        }
        return Judgement(.unsure, "verifier answer has neither \"decision\" nor \"duplicate\"")
    }
}
