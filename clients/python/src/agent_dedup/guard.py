"""`Guard`: claim a tool call, run it once, complete it, and replay the outcome to repeats."""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
import time
from collections.abc import Awaitable, Callable, Collection, Iterator
from typing import Any, TypeVar, cast, overload

from .client import AsyncDedupClient, DedupClient
from .errors import InProgressError
from .guarded_call import AsyncGuardedCall, GuardedCall
from .models import Verdict
from .rules import Execute, Replay, Wait, backoff, is_retryable, step

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])

log = logging.getLogger("agent_dedup")


class Guard:
    """Deduplicates one scope's side-effecting tool calls (one agent run or session per scope).

    An exception from the tool completes the call as `failed`; it is retryable — released for a new attempt —
    when it is an instance of one of `retryable`. A repeat of a running action waits up to `wait` seconds
    for its outcome, then raises `InProgressError` rather than running it twice.
    """

    def __init__(
        self,
        client: DedupClient | AsyncDedupClient,
        scope: str,
        *,
        retryable: tuple[type[BaseException], ...] = (),
        wait: float = 30.0,
        lease_seconds: int | None = None,
        ignore: Collection[str] = (),
    ) -> None:
        self.client = client
        self.scope = scope
        self.retryable = retryable
        self.wait = wait
        self.lease_seconds = lease_seconds
        self.ignore = frozenset(ignore)

    def sync_client(self) -> DedupClient:
        if not isinstance(self.client, DedupClient):
            raise TypeError("this Guard holds an AsyncDedupClient: use the async form (acall, arun, async functions)")
        return self.client

    def async_client(self) -> AsyncDedupClient:
        if not isinstance(self.client, AsyncDedupClient):
            raise TypeError("this Guard holds a DedupClient: make it with an AsyncDedupClient for async tools")
        return self.client

    def claim(self, tool: str, arguments: dict[str, Any], idempotency_key: str | None = None) -> Execute | Replay:
        """Claims until the verdict is final: `Execute` (you hold the claim) or `Replay` (the stored result)."""
        client = self.sync_client()
        deadline = time.monotonic() + self.wait
        delays = backoff()
        while True:
            verdict = client.claim(
                self.scope, tool, arguments, idempotency_key=idempotency_key, lease_seconds=self.lease_seconds
            )
            decided = step(verdict)
            if not isinstance(decided, Wait):
                return decided
            time.sleep(_next_delay(delays, deadline, verdict))

    async def aclaim(
        self, tool: str, arguments: dict[str, Any], idempotency_key: str | None = None
    ) -> Execute | Replay:
        """The async form of `claim`."""
        client = self.async_client()
        deadline = time.monotonic() + self.wait
        delays = backoff()
        while True:
            verdict = await client.claim(
                self.scope, tool, arguments, idempotency_key=idempotency_key, lease_seconds=self.lease_seconds
            )
            decided = step(verdict)
            if not isinstance(decided, Wait):
                return decided
            await asyncio.sleep(_next_delay(delays, deadline, verdict))

    def call(self, tool: str, arguments: dict[str, Any], idempotency_key: str | None = None) -> GuardedCall:
        """A context manager: run the tool only when `call.should_execute`, and set `call.result`."""
        return GuardedCall(self, tool, arguments, idempotency_key)

    def acall(self, tool: str, arguments: dict[str, Any], idempotency_key: str | None = None) -> AsyncGuardedCall:
        """The `async with` form of `call`."""
        return AsyncGuardedCall(self, tool, arguments, idempotency_key)

    def run(self, tool: str, arguments: dict[str, Any], body: Callable[[], T], idempotency_key: str | None = None) -> T:
        """Runs `body` once per distinct action; a repeat gets the first run's result."""
        with self.call(tool, arguments, idempotency_key) as guarded:
            if guarded.should_execute:
                guarded.result = body()
        return cast(T, guarded.result)

    async def arun(
        self, tool: str, arguments: dict[str, Any], body: Callable[[], Awaitable[T]], idempotency_key: str | None = None
    ) -> T:
        """The async form of `run`."""
        async with self.acall(tool, arguments, idempotency_key) as guarded:
            if guarded.should_execute:
                guarded.result = await body()
        return cast(T, guarded.result)

    @overload
    def __call__(self, func: F, *, tool: str | None = None, ignore: Collection[str] = ()) -> F: ...

    @overload
    def __call__(
        self, func: None = None, *, tool: str | None = None, ignore: Collection[str] = ()
    ) -> Callable[[F], F]: ...

    def __call__(
        self, func: F | None = None, *, tool: str | None = None, ignore: Collection[str] = ()
    ) -> F | Callable[[F], F]:
        """Decorates a tool function (sync or async); its bound arguments, less `ignore`, are the call."""
        ignored = self.ignore | frozenset(ignore)

        def decorate(func: F) -> F:
            name = tool or func.__name__
            signature = inspect.signature(func)

            def arguments(args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
                bound = signature.bind(*args, **kwargs)
                bound.apply_defaults()
                return {key: value for key, value in bound.arguments.items() if key not in ignored}

            if inspect.iscoroutinefunction(func):

                @functools.wraps(func)
                async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                    return await self.arun(name, arguments(args, kwargs), lambda: func(*args, **kwargs))

                return cast(F, async_wrapper)

            @functools.wraps(func)
            def wrapper(*args: Any, **kwargs: Any) -> Any:
                return self.run(name, arguments(args, kwargs), lambda: func(*args, **kwargs))

            return cast(F, wrapper)

        return decorate(func) if func is not None else decorate

    def failure_is_retryable(self, error: BaseException) -> bool:
        """Whether `error` from the tool releases the action (see `retryable`)."""
        return is_retryable(error, self.retryable)


def _next_delay(delays: Iterator[float], deadline: float, verdict: Verdict) -> float:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise InProgressError(verdict)
    delay = min(next(delays), remaining)
    log.debug("agent-dedup: %s is in progress; claiming again in %.2fs", verdict.call_id, delay)
    return delay
