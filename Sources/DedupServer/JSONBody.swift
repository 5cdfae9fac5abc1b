import DedupCore
import Foundation
import Hummingbird
import NIOCore

/// Reads and checks a JSON request body: content type, size limit, syntax, and that it is an object.
struct JSONBody {
    let members: [String: JSONValue]

    static func read(_ request: Request, limit: Int, allowed: Set<String>) async throws -> JSONBody {
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
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw tooLarge(limit)
        }
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
