"""Exceptions: the server's problem+json answers and the guard's refusals."""

from __future__ import annotations

from typing import Any

from .connections import HTTPResponse
from .models import CallRecord, Verdict


class DedupError(Exception):
    """Base of every error this package raises."""


class ProblemError(DedupError):
    """An RFC 9457 problem the server answered with; `type` is stable, `detail` says what to fix."""

    def __init__(self, status: int, type: str, title: str, detail: str) -> None:
        super().__init__(f"{title} ({status}): {detail}")
        self.status = status
        self.type = type
        self.title = title
        self.detail = detail


class AuthenticationError(ProblemError):
    """401: the API key is missing or unknown."""


class NotFoundError(ProblemError):
    """404: no such call for this tenant."""


class OutcomeConflictError(ProblemError):
    """409 on complete: the call was already completed with a different outcome."""


class InProgressError(DedupError):
    """The same action is still executing elsewhere and did not finish before the guard's deadline."""

    def __init__(self, verdict: Verdict) -> None:
        super().__init__(f"the same action ({verdict.call_id}) is already running; do not repeat it")
        self.verdict = verdict


class IdempotencyConflictError(DedupError):
    """The idempotency key was already used for a different payload."""

    def __init__(self, verdict: Verdict) -> None:
        super().__init__(f"idempotency key reused for a different call: {verdict.reason}")
        self.verdict = verdict


class DuplicateFailureError(DedupError):
    """The matched earlier attempt failed for good (not retryable); replaying means failing again."""

    def __init__(self, record: CallRecord) -> None:
        super().__init__(f"the same action ({record.call_id}) already failed: {record.error}")
        self.record = record


_BY_STATUS: dict[int, type[ProblemError]] = {401: AuthenticationError, 404: NotFoundError, 409: OutcomeConflictError}


def problem_from_response(response: HTTPResponse) -> ProblemError:
    """Maps an error response to an exception; a body that is not problem+json still keeps its text."""
    body: Any
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        body = {}
    cls = _BY_STATUS.get(response.status_code, ProblemError)
    return cls(
        status=int(body.get("status", response.status_code)),
        type=str(body.get("type", "about:blank")),
        title=str(body.get("title", response.reason_phrase or "HTTP error")),
        detail=str(body.get("detail", response.text[:500])),
    )
