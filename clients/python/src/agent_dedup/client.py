"""The synchronous and asynchronous HTTP clients of a `dedup serve`."""

from __future__ import annotations

import json
import os
from typing import Any, TypeVar

import httpx

from . import exchanges
from .connections import ConnectionPool
from .models import AuditEvent, CallRecord, Verdict

T = TypeVar("T")


def _headers(api_key: str | None) -> dict[str, str]:
    key = api_key if api_key is not None else os.environ.get("DEDUP_API_KEY")
    return {"Authorization": f"Bearer {key}"} if key else {}


def _encode(body: dict[str, Any] | None) -> bytes | None:
    # The encoding httpx uses for `json=`: compact, UTF-8, no NaN (which is not JSON).
    if body is None:
        return None
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


class DedupClient:
    """A blocking client; one keeps its connections alive, so make one and reuse it (threads may share it).

    The API key defaults to `DEDUP_API_KEY`; the key decides the tenant. By default requests go over
    kept-alive standard-library connections (the cheapest per request, see `connections`) straight to
    `base_url`; pass `http`, an `httpx.Client` with its own `base_url` and headers, for proxies, custom TLS,
    HTTP/2 or event hooks.
    """

    def __init__(
        self, base_url: str, api_key: str | None = None, timeout: float = 10.0, http: httpx.Client | None = None
    ) -> None:
        self._http = http
        self._pool = None if http is not None else ConnectionPool(base_url, _headers(api_key), timeout)

    def _send(self, request: exchanges.Request[T]) -> T:
        if self._pool is not None:
            return request.read(self._pool.request(request.method, request.path, _encode(request.json), request.params))
        assert self._http is not None
        response = self._http.request(request.method, request.path, json=request.json, params=request.params)
        return request.read(response)

    def claim(
        self,
        scope: str,
        tool: str,
        arguments: dict[str, Any] | None = None,
        *,
        idempotency_key: str | None = None,
        lease_seconds: int | None = None,
    ) -> Verdict:
        """Claims a call before executing it: `new` means execute then `complete`; anything else means don't."""
        return self._send(exchanges.claim(scope, tool, arguments, idempotency_key, lease_seconds))

    def check(
        self, scope: str, tool: str, arguments: dict[str, Any] | None = None, *, idempotency_key: str | None = None
    ) -> Verdict:
        """The verdict a claim would give, recording nothing."""
        return self._send(exchanges.check(scope, tool, arguments, idempotency_key))

    def complete(
        self, call_id: str, *, succeeded: bool, result: Any = None, error: str | None = None, retryable: bool = False
    ) -> CallRecord:
        """Records a claimed call's outcome; `retryable` failures release the action for another attempt."""
        return self._send(exchanges.complete(call_id, succeeded, result, error, retryable))

    def get(self, call_id: str) -> CallRecord:
        """A call's record."""
        return self._send(exchanges.get(call_id))

    def events(self, scope: str, limit: int | None = None) -> list[AuditEvent]:
        """A scope's audit timeline, oldest first."""
        return self._send(exchanges.events(scope, limit))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
        if self._http is not None:
            self._http.close()

    def __enter__(self) -> DedupClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncDedupClient:
    """The `asyncio` twin of `DedupClient`, with the same methods as coroutines, over `httpx.AsyncClient`.

    The standard library has no asyncio HTTP client, and a hand-rolled one is not worth its risk: httpx's
    async path costs about a millisecond more per request than `DedupClient`'s (see bench/guard_overhead.py).
    Pass `http`, an `httpx.AsyncClient` of your own, for proxies, custom TLS, HTTP/2 or event hooks.
    """

    def __init__(
        self, base_url: str, api_key: str | None = None, timeout: float = 10.0, http: httpx.AsyncClient | None = None
    ) -> None:
        self._http = http or httpx.AsyncClient(base_url=base_url, headers=_headers(api_key), timeout=timeout)

    async def _send(self, request: exchanges.Request[T]) -> T:
        response = await self._http.request(request.method, request.path, json=request.json, params=request.params)
        return request.read(response)

    async def claim(
        self,
        scope: str,
        tool: str,
        arguments: dict[str, Any] | None = None,
        *,
        idempotency_key: str | None = None,
        lease_seconds: int | None = None,
    ) -> Verdict:
        """See `DedupClient.claim`."""
        return await self._send(exchanges.claim(scope, tool, arguments, idempotency_key, lease_seconds))

    async def check(
        self, scope: str, tool: str, arguments: dict[str, Any] | None = None, *, idempotency_key: str | None = None
    ) -> Verdict:
        """See `DedupClient.check`."""
        return await self._send(exchanges.check(scope, tool, arguments, idempotency_key))

    async def complete(
        self, call_id: str, *, succeeded: bool, result: Any = None, error: str | None = None, retryable: bool = False
    ) -> CallRecord:
        """See `DedupClient.complete`."""
        return await self._send(exchanges.complete(call_id, succeeded, result, error, retryable))

    async def get(self, call_id: str) -> CallRecord:
        """See `DedupClient.get`."""
        return await self._send(exchanges.get(call_id))

    async def events(self, scope: str, limit: int | None = None) -> list[AuditEvent]:
        """See `DedupClient.events`."""
        return await self._send(exchanges.events(scope, limit))

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> AsyncDedupClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
