from __future__ import annotations

import itertools
from typing import Any

import pytest

from agent_dedup import CallRecord, DuplicateFailureError, IdempotencyConflictError, Verdict
from agent_dedup.rules import Execute, Replay, Wait, backoff, step


def record(status: str, result: Any = None) -> CallRecord:
    return CallRecord.from_json(
        {
            "call_id": "call_1",
            "scope": "s",
            "tool": "t",
            "arguments": {},
            "status": status,
            "result": result,
            "error": "boom" if status == "failed" else None,
            "retryable": False,
            "attempts": 1,
            "created_at": "2026-01-01T00:00:00Z",
            "expires_at": "2026-01-02T00:00:00Z",
        }
    )


def verdict(decision: str, match: CallRecord | None = None) -> Verdict:
    return Verdict(**verdict_fields(decision), match=match)


def verdict_fields(decision: str) -> dict[str, Any]:
    return {
        "decision": decision,
        "call_id": "call_1",
        "layer": "exact",
        "score": 1.0,
        "recovered": False,
        "borderline": False,
        "attempt": 1,
        "reason": "r",
        "timings_us": {},
    }


def test_new_executes() -> None:
    assert step(verdict("new")) == Execute("call_1")


def test_succeeded_duplicate_replays_its_result() -> None:
    decided = step(verdict("duplicate", record("succeeded", {"id": 3})))
    assert isinstance(decided, Replay) and decided.result == {"id": 3}


@pytest.mark.parametrize(
    "decided", [verdict("in_progress", record("pending")), verdict("duplicate", record("pending"))]
)
def test_running_waits(decided: Verdict) -> None:
    assert isinstance(step(decided), Wait)


def test_failed_duplicate_and_conflict_raise() -> None:
    with pytest.raises(DuplicateFailureError):
        step(verdict("duplicate", record("failed")))
    with pytest.raises(IdempotencyConflictError):
        step(verdict("conflict"))


def test_backoff_grows_then_caps() -> None:
    assert list(itertools.islice(backoff(0.05, 2.0, 0.3), 5)) == [0.05, 0.1, 0.2, 0.3, 0.3]
