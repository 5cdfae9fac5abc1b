public import Foundation

extension ClaimRules {
    /// What a completion does to the record it names.
    public enum CompletionAction: Sendable, Equatable {
        /// The record already holds this very outcome (a retried completion): answer it, write nothing.
        case alreadyRecorded(CallRecord)
        /// Write `updated` — only if the stored record is still `pending` at the attempt read, otherwise
        /// read it again and decide anew — and append `event`.
        case write(CallRecord, expectedAttempts: Int, event: AuditEvent)
    }

    /// The rule for completing `record` with `completion` at `now`: a pending record takes the outcome and
    /// a full window from now (its result is replayed for that long); a completed one accepts only the
    /// same outcome again and refuses a different one with ``DedupError/conflict(_:)`` (HTTP 409).
    public func complete(_ record: CallRecord, with completion: Completion, now: Date) throws(DedupError)
        -> CompletionAction
    {
        guard record.status == .pending else {
            let same =
                record.status == completion.status && record.result == completion.result
                && record.error == completion.error && record.retryable == completion.retryable
            if same { return .alreadyRecorded(record) }
            throw .conflict(
                "call \(record.id) was already completed as \(record.status.rawValue); a different outcome cannot be recorded"
            )
        }
        var updated = record
        updated.status = completion.status
        updated.result = completion.result
        updated.error = completion.error
        updated.retryable = completion.status == .failed && completion.retryable
        updated.completedAt = now
        updated.updatedAt = now
        updated.leaseExpiresAt = nil
        updated.expiresAt = max(record.expiresAt, now.adding(window))
        let event = AuditEvent(
            tenant: updated.tenant,
            scope: updated.scope,
            tool: updated.tool,
            callID: updated.id,
            kind: .completed,
            attempt: updated.attempts,
            status: updated.status,
            at: now,
            detail: updated.status == .succeeded
                ? "succeeded"
                : "failed\(updated.retryable ? " (retryable)" : ""): \(updated.error ?? "no error message")"
        )
        return .write(updated, expectedAttempts: record.attempts, event: event)
    }
}
