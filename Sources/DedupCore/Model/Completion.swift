/// The outcome of executing a claimed call, as the caller reports it.
public struct Completion: Sendable, Hashable {
    /// `succeeded` or `failed` (`pending` is refused).
    public var status: CallStatus
    /// The tool's result, replayed to duplicates.
    public var result: JSONValue?
    /// The error message of a failure.
    public var error: String?
    /// Whether a failure may be retried; a retryable failure releases the action for a new attempt.
    public var retryable: Bool

    /// A success with its result.
    public static func succeeded(_ result: JSONValue? = nil) -> Completion {
        Completion(status: .succeeded, result: result, error: nil, retryable: false)
    }

    /// A failure; `retryable` releases the action for a new attempt.
    public static func failed(_ error: String?, result: JSONValue? = nil, retryable: Bool = false) -> Completion {
        Completion(status: .failed, result: result, error: error, retryable: retryable)
    }

    /// A completion.
    public init(status: CallStatus, result: JSONValue? = nil, error: String? = nil, retryable: Bool = false) {
        self.status = status
        self.result = result
        self.error = error
        self.retryable = retryable
    }
}
