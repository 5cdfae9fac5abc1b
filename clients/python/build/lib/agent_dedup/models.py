"""The service's JSON shapes as typed, immutable values."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Decision = Literal["new", "duplicate", "in_progress", "conflict"]
Status = Literal["pending", "succeeded", "failed"]


@dataclass(frozen=True)
class CallRecord:
    """A call the ledger remembers: what was asked and, once completed, its outcome."""

    call_id: str
    scope: str
    tool: str
    arguments: dict[str, Any]
    status: Status
    result: Any
    error: str | None
    retryable: bool
    attempts: int
    created_at: str
    expires_at: str
    completed_at: str | None = None
    lease_expires_at: str | None = None

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> CallRecord:
        return cls(
            call_id=body["call_id"],
            scope=body["scope"],
            tool=body["tool"],
            arguments=body.get("arguments") or {},
            status=body["status"],
            result=body.get("result"),
            error=body.get("error"),
            retryable=bool(body.get("retryable", False)),
            attempts=int(body.get("attempts", 0)),
            created_at=body["created_at"],
            expires_at=body["expires_at"],
            completed_at=body.get("completed_at"),
            lease_expires_at=body.get("lease_expires_at"),
        )


@dataclass(frozen=True)
class Verdict:
    """The answer to a claim or check: whether this call is a new action, and the earlier one it matches."""

    decision: Decision
    call_id: str | None
    layer: str | None
    score: float | None
    recovered: bool
    borderline: bool
    attempt: int
    reason: str
    match: CallRecord | None
    timings_us: dict[str, float] = field(default_factory=dict)

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> Verdict:
        match = body.get("match")
        return cls(
            decision=body["decision"],
            call_id=body.get("call_id"),
            layer=body.get("layer"),
            score=body.get("score"),
            recovered=bool(body.get("recovered", False)),
            borderline=bool(body.get("borderline", False)),
            attempt=int(body.get("attempt", 0)),
            reason=body.get("reason", ""),
            match=CallRecord.from_json(match) if match else None,
            timings_us=dict(body.get("timings_us") or {}),
        )


@dataclass(frozen=True)
class AuditEvent:
    """One entry of a scope's timeline (claimed, duplicate, in_progress, completed, …)."""

    kind: str
    call_id: str
    tool: str
    attempt: int
    at: str
    detail: str
    layer: str | None = None
    score: float | None = None
    status: str | None = None

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> AuditEvent:
        return cls(
            kind=body["kind"],
            call_id=body["call_id"],
            tool=body["tool"],
            attempt=int(body.get("attempt", 0)),
            at=body["at"],
            detail=body.get("detail", ""),
            layer=body.get("layer"),
            score=body.get("score"),
            status=body.get("status"),
        )
