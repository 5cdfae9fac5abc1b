/// An error from agent-dedup, with a message a user can act on.
///
/// A struct wrapping a private code (as Hummingbird's `PersistError` does), so new cases never break
/// callers that switch over the public static members.
public struct DedupError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Sendable, Hashable {
        case invalidInput
        case notFound
        case conflict
        case storage
        case storageFull
        case model
        case unavailable
    }

    private let code: Code
    /// What went wrong and what to do about it.
    public let message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The input was refused (malformed JSON, wrong types, limits): fix the request.
    public static func invalidInput(_ message: String) -> DedupError { DedupError(.invalidInput, message) }
    /// No such call for this tenant.
    public static func notFound(_ message: String) -> DedupError { DedupError(.notFound, message) }
    /// The request contradicts what is recorded (e.g. a second, different completion).
    public static func conflict(_ message: String) -> DedupError { DedupError(.conflict, message) }
    /// The ledger's storage failed (disk, corruption, a schema from a newer version).
    public static func storage(_ message: String) -> DedupError { DedupError(.storage, message) }
    /// The disk holding the ledger is full: nothing was written; free space and retry.
    public static func storageFull(_ message: String) -> DedupError { DedupError(.storageFull, message) }
    /// The embedder model is missing or does not match its manifest.
    public static func model(_ message: String) -> DedupError { DedupError(.model, message) }
    /// A dependency (database, verifier) cannot be reached right now: retry later.
    public static func unavailable(_ message: String) -> DedupError { DedupError(.unavailable, message) }

    /// Whether this is an input error.
    public var isInvalidInput: Bool { code == .invalidInput }
    /// Whether this is a not-found error.
    public var isNotFound: Bool { code == .notFound }
    /// Whether this is a conflict.
    public var isConflict: Bool { code == .conflict }
    /// Whether this is a storage error (a full disk included).
    public var isStorage: Bool { code == .storage || code == .storageFull }
    /// Whether the disk holding the ledger is full.
    public var isStorageFull: Bool { code == .storageFull }
    /// Whether this is a model error.
    public var isModel: Bool { code == .model }
    /// Whether this is an unavailable dependency.
    public var isUnavailable: Bool { code == .unavailable }

    /// The message.
    public var description: String { message }

    /// Equal when code and message are equal; compare a thrown error against a case by its `is…` flag.
    public static func == (lhs: DedupError, rhs: DedupError) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message
    }
}
