"""Pure request builders and response readers shared by the sync and async clients."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar
from urllib.parse import quote

from .connections import HTTPResponse
from .errors import problem_from_response
from .models import AuditEvent, CallRecord, Verdict

T = TypeVar("T")

# Claim answers these with a verdict body rather than a problem.
_VERDICT_STATUSES = frozenset({200, 409, 422})


@dataclass(frozen=True)
class Request(Generic[T]):
    """One HTTP exchange: what to send and how to read the answer."""

    method: Literal["GET", "POST"]
    path: str
    read: Callable[[HTTPResponse], T]
    json: dict[str, Any] | None = None
    params: dict[str, Any] | None = None


def _read_verdict(response: HTTPResponse) -> Verdict:
    if response.status_code not in _VERDICT_STATUSES:
        raise problem_from_response(response)
    return Verdict.from_json(response.json())


def _read_record(response: HTTPResponse) -> CallRecord:
    if response.status_code != 200:
        raise problem_from_response(response)
    return CallRecord.from_json(response.json())


def _read_events(response: HTTPResponse) -> list[AuditEvent]:
    if response.status_code != 200:
        raise problem_from_response(response)
    return [AuditEvent.from_json(event) for event in response.json()["events"]]


def _call_body(
    scope: str, tool: str, arguments: dict[str, Any] | None, idempotency_key: str | None, lease_seconds: int | None
) -> dict[str, Any]:
    body: dict[str, Any] = {"scope": scope, "tool": tool, "arguments": arguments or {}}
    if idempotency_key is not None:
        body["idempotency_key"] = idempotency_key
    if lease_seconds is not None:
        body["lease_seconds"] = lease_seconds
    return body


def claim(
    scope: str,
    tool: str,
    arguments: dict[str, Any] | None,
    idempotency_key: str | None = None,
    lease_seconds: int | None = None,
) -> Request[Verdict]:
    return Request(
        "POST", "/v1/claim", _read_verdict, _call_body(scope, tool, arguments, idempotency_key, lease_seconds)
    )


def check(
    scope: str, tool: str, arguments: dict[str, Any] | None, idempotency_key: str | None = None
) -> Request[Verdict]:
    return Request("POST", "/v1/check", _read_verdict, _call_body(scope, tool, arguments, idempotency_key, None))


def complete(
    call_id: str, succeeded: bool, result: Any = None, error: str | None = None, retryable: bool = False
) -> Request[CallRecord]:
    body: dict[str, Any] = {"status": "succeeded" if succeeded else "failed", "result": result}
    if error is not None:
        body["error"] = error
    if not succeeded:
        body["retryable"] = retryable
    return Request("POST", f"/v1/calls/{quote(call_id, safe='')}/complete", _read_record, body)


def get(call_id: str) -> Request[CallRecord]:
    return Request("GET", f"/v1/calls/{quote(call_id, safe='')}", _read_record)


def events(scope: str, limit: int | None = None) -> Request[list[AuditEvent]]:
    params = {"limit": limit} if limit is not None else None
    return Request("GET", f"/v1/scopes/{quote(scope, safe='')}/events", _read_events, params=params)
