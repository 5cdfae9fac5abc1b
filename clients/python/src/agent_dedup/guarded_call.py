"""The context managers behind `Guard.call` and `Guard.acall`."""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING, Any

from .rules import Execute

if TYPE_CHECKING:
    from .guard import Guard


class _GuardedCallBase:
    def __init__(self, guard: Guard, tool: str, arguments: dict[str, Any], idempotency_key: str | None) -> None:
        self.guard = guard
        self.tool = tool
        self.arguments = arguments
        self.idempotency_key = idempotency_key
        self.call_id: str | None = None
        self.should_execute = False
        """True when this caller holds the claim and must run the tool; False means `result` is the stored one."""
        self.result: Any = None
        """The tool's result: set it when you execute; a repeat finds the first execution's result here."""

    def _entered(self, decided: Any) -> None:
        if isinstance(decided, Execute):
            self.call_id = decided.call_id
            self.should_execute = True
        else:
            self.call_id = decided.verdict.match.call_id if decided.verdict.match else decided.verdict.call_id
            self.result = decided.result

    def _outcome(self, error: BaseException | None) -> dict[str, Any]:
        if error is None:
            return {"succeeded": True, "result": self.result}
        return {
            "succeeded": False,
            "error": f"{type(error).__name__}: {error}",
            "retryable": self.guard.failure_is_retryable(error),
        }


class GuardedCall(_GuardedCallBase):
    """`with guard.call(tool, args) as call:` — execute only when `call.should_execute`, then set `call.result`."""

    def __enter__(self) -> GuardedCall:
        self._entered(self.guard.claim(self.tool, self.arguments, self.idempotency_key))
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if self.should_execute and self.call_id is not None:
            self.guard.sync_client().complete(self.call_id, **self._outcome(error))


class AsyncGuardedCall(_GuardedCallBase):
    """`async with guard.acall(tool, args) as call:` — the async form of `GuardedCall`."""

    async def __aenter__(self) -> AsyncGuardedCall:
        self._entered(await self.guard.aclaim(self.tool, self.arguments, self.idempotency_key))
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if self.should_execute and self.call_id is not None:
            await self.guard.async_client().complete(self.call_id, **self._outcome(error))
