import DedupCore
import Foundation
import Hummingbird
import NIOCore

/// Reads and checks a JSON request body: content type, size limit, syntax, and that it is an object.
struct JSONBody {
    let members: [String: JSONValue]

    static func read(
        _ request: Request,
        limit: Int,
        timeout: Duration,
        allowed: Set<String>
    ) async throws -> JSONBody {
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        let mediaType = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        guard mediaType == "application/json" || mediaType.hasSuffix("+json") else {
            throw Problem(
                .unsupportedMediaType,
                "unsupported-media-type",
                "Unsupported media type",
                "send the body as Content-Type: application/json"
                    + (contentType.isEmpty ? "" : " (got \(contentType))")
            )
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw tooLarge(limit)
        }
        let buffer = try await collect(request.body, limit: limit, timeout: timeout)
        let value: JSONValue
        do {
            value = try JSONParser().parse(buffer.readableBytesView)
        } catch {
            throw Problem(.badRequest, "invalid-json", "Malformed JSON", error.description)
        }
        guard let members = value.objectValue else {
            throw Problem(.badRequest, "invalid-request", "Invalid request", "the body must be a JSON object")
        }
        if let unknown = members.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw Problem(
                .badRequest,
                "invalid-request",
                "Invalid request",
                "unknown field \"\(unknown)\" (expected \(allowed.sorted().joined(separator: ", ")))"
            )
        }
        return JSONBody(members: members)
    }

    /// The body, up to `limit` bytes, within `timeout`: a client trickling its body a byte at a time
    /// gets 408 instead of holding the request open.
    private static func collect(_ body: RequestBody, limit: Int, timeout: Duration) async throws -> ByteBuffer {
        try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask {
                do {
                    return try await body.collect(upTo: limit)
                } catch is NIOTooManyBytesError {
                    throw tooLarge(limit)
                }
            }
            group.addTask {
                try await Deadlines.shared.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let buffer = try await group.next() ?? nil else {
                throw Problem(
                    .requestTimeout,
                    "request-timeout",
                    "Request timeout",
                    "the body did not arrive within \(timeout.components.seconds) s"
                )
            }
            return buffer
        }
    }

    private static func tooLarge(_ limit: Int) -> Problem {
        Problem(
            .contentTooLarge,
            "body-too-large",
            "Request body too large",
            "the body exceeds the limit of \(limit) bytes"
        )
    }

    func string(_ key: String, required: Bool) throws -> String? {
        guard let value = members[key], value != .null else {
            if required { throw Self.invalid("\"\(key)\" is required") }
            return nil
        }
        guard let text = value.stringValue else {
            throw Self.invalid("\"\(key)\" must be a string, got \(value.typeName)")
        }
        return text
    }

    func bool(_ key: String) throws -> Bool? {
        guard let value = members[key], value != .null else { return nil }
        guard let flag = value.boolValue else {
            throw Self.invalid("\"\(key)\" must be a boolean, got \(value.typeName)")
        }
        return flag
    }

    func positiveInteger(_ key: String) throws -> Int? {
        guard let value = members[key], value != .null else { return nil }
        guard let number = value.doubleValue, number == number.rounded(), number >= 1, number <= 1e9 else {
            throw Self.invalid("\"\(key)\" must be a positive whole number")
        }
        return Int(number)
    }

    static func invalid(_ detail: String) -> Problem {
        Problem(.badRequest, "invalid-request", "Invalid request", detail)
    }
}
