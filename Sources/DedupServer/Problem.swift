import DedupCore
import Foundation
public import HTTPTypes
public import Hummingbird
import NIOCore

/// An RFC 9457 problem: every error the API returns is one, as `application/problem+json`.
public struct Problem: Error, Sendable {
    /// The HTTP status.
    public var status: HTTPResponse.Status
    /// A short slug naming the kind of problem; `type` is `urn:agent-dedup:problem:<slug>`.
    public var slug: String
    /// A human summary of the kind of problem.
    public var title: String
    /// What exactly went wrong in this request, and how to fix it.
    public var detail: String
    /// Extra response headers (`Allow` on a 405).
    public var headers: HTTPFields = [:]

    /// A problem.
    public init(_ status: HTTPResponse.Status, _ slug: String, _ title: String, _ detail: String) {
        self.status = status
        self.slug = slug
        self.title = title
        self.detail = detail
    }

    /// The problem+json response.
    public var response: Response {
        let body: JSONValue = [
            "type": .string("urn:agent-dedup:problem:\(slug)"),
            "title": .string(title),
            "status": .number(JSONNumber(status.code)),
            "detail": .string(detail),
        ]
        var headers = self.headers
        headers[.contentType] = "application/problem+json"
        return Response(
            status: status,
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(string: body.canonicalText))
        )
    }

    /// The problem an error maps to: the one place errors become HTTP statuses.
    public static func from(_ error: any Error) -> Problem {
        switch error {
        case let problem as Problem:
            return problem
        case let error as DedupError:
            if error.isInvalidInput { return Problem(.badRequest, "invalid-request", "Invalid request", error.message) }
            if error.isNotFound { return Problem(.notFound, "not-found", "Not found", error.message) }
            if error.isConflict { return Problem(.conflict, "conflict", "Conflict", error.message) }
            if error.isStorageFull {
                return Problem(.init(code: 507), "insufficient-storage", "Insufficient storage", error.message)
            }
            if error.isUnavailable {
                return Problem(.serviceUnavailable, "unavailable", "Service unavailable", error.message)
            }
            return Problem(.internalServerError, "internal", "Internal error", error.message)
        case is NIOTooManyBytesError:
            return Problem(.contentTooLarge, "body-too-large", "Request body too large", "the body exceeds the limit")
        case let error as HTTPError:
            let detail = error.body ?? error.status.reasonPhrase
            switch error.status {
            case .notFound: return Problem(.notFound, "not-found", "Not found", "no such route")
            case .methodNotAllowed:
                return Problem(.methodNotAllowed, "method-not-allowed", "Method not allowed", detail)
            default: return Problem(error.status, "http-\(error.status.code)", error.status.reasonPhrase, detail)
            }
        default:
            return Problem(.internalServerError, "internal", "Internal error", "an unexpected error occurred")
        }
    }
}
