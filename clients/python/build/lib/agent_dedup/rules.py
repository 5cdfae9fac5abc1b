"""What a guard does with a verdict, as pure functions so every rule is tested without a server."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .errors import DuplicateFailureError, IdempotencyConflictError
from .models import Verdict


@dataclass(frozen=True)
class Execute:
    """The caller holds the claim: run the tool, then complete `call_id`."""

    call_id: str


@dataclass(frozen=True)
class Replay:
    """The same action already succeeded: hand back its stored result instead of running again."""

    result: Any
    verdict: Verdict


@dataclass(frozen=True)
class Wait:
    """The same action is running under a live lease: ask again later, never run it alongside."""

    verdict: Verdict


Step = Execute | Replay | Wait


def step(verdict: Verdict) -> Step:
    """The next step for a claim's verdict; raises when no step can be right (conflict, a final failure)."""
    if verdict.decision == "new":
        assert verdict.call_id is not None, "a new verdict always names its call"
        return Execute(verdict.call_id)
    if verdict.decision == "in_progress":
        return Wait(verdict)
    if verdict.decision == "conflict":
        raise IdempotencyConflictError(verdict)
    record = verdict.match
    if record is None or record.status == "pending":
        return Wait(verdict)
    if record.status == "failed":
        # A retryable failure is released by the server, so a duplicate of a failure is a final one.
        raise DuplicateFailureError(record)
    return Replay(record.result, verdict)


def backoff(initial: float = 0.05, factor: float = 2.0, cap: float = 1.0) -> Iterator[float]:
    """Delays between re-claims: short at first (most tools finish fast), capped so a long wait stays responsive."""
    delay = initial
    while True:
        yield delay
        delay = min(cap, delay * factor)


def is_retryable(error: BaseException, retryable: tuple[type[BaseException], ...]) -> bool:
    """Whether a tool's exception should release the action for another attempt."""
    return isinstance(error, retryable)
