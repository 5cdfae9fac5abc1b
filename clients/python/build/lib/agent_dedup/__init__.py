"""agent-dedup's Python client: ask whether a tool call repeats one already taken, and run each action once."""

from .client import AsyncDedupClient, DedupClient
from .errors import (
    AuthenticationError,
    DedupError,
    DuplicateFailureError,
    IdempotencyConflictError,
    InProgressError,
    NotFoundError,
    OutcomeConflictError,
    ProblemError,
)
from .guard import Guard
from .models import AuditEvent, CallRecord, Verdict

__all__ = [
    "AsyncDedupClient",
    "AuditEvent",
    "AuthenticationError",
    "CallRecord",
    "DedupClient",
    "DedupError",
    "DuplicateFailureError",
    "Guard",
    "IdempotencyConflictError",
    "InProgressError",
    "NotFoundError",
    "OutcomeConflictError",
    "ProblemError",
    "Verdict",
]
