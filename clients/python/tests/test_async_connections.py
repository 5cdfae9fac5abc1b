"""The async client's connections on a real server: reuse after an idle close, concurrency, refusals."""

from __future__ import annotations

import asyncio
import socket
import time

import httpx
import pytest

from agent_dedup import AsyncDedupClient

from .server import Server


def test_async_connections_survive_the_server_closing_them_while_idle(impatient_server: Server, scope: str) -> None:
    async def scenario() -> None:
        async with AsyncDedupClient(impatient_server.url, api_key=impatient_server.api_key) as client:
            assert (await client.claim(scope, "refund", {"order": "A-1"})).decision == "new"
            await asyncio.sleep(2.5)  # the server closes the idle connection after 1 s
            assert (await client.claim(scope, "refund", {"order": "B-2"})).decision == "new"
            assert [event.kind for event in await client.events(scope)] == ["claimed", "claimed"]

    asyncio.run(scenario())


def test_concurrent_async_requests_each_get_their_own_answer(server: Server, scope: str) -> None:
    async def scenario() -> list[str | None]:
        async with AsyncDedupClient(server.url, api_key=server.api_key) as client:
            verdicts = await asyncio.gather(*(client.claim(scope, "send_sms", {"to": f"+{n}"}) for n in range(40)))
            return [verdict.call_id for verdict in verdicts if verdict.decision == "new"]

    call_ids = asyncio.run(scenario())
    assert len(call_ids) == 40 and len(set(call_ids)) == 40


def test_a_supplied_httpx_async_client_carries_the_requests(server: Server, scope: str) -> None:
    sent: list[str] = []

    async def record(request: httpx.Request) -> None:
        sent.append(request.url.path)

    async def scenario() -> None:
        http = httpx.AsyncClient(
            base_url=server.url,
            headers={"Authorization": f"Bearer {server.api_key}"},
            event_hooks={"request": [record]},
        )
        async with AsyncDedupClient("http://unused.invalid", http=http) as client:
            verdict = await client.claim(scope, "book", {"room": 7})
            assert verdict.decision == "new"

    asyncio.run(scenario())
    assert sent == ["/v1/claim"]


def test_an_async_refused_connection_raises_httpx_connect_error(scope: str) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    async def scenario() -> None:
        async with AsyncDedupClient(f"http://127.0.0.1:{port}", api_key="k") as client:
            await client.claim(scope, "refund", {"order": "A-1"})

    began = time.monotonic()
    with pytest.raises(httpx.ConnectError):
        asyncio.run(scenario())
    assert time.monotonic() - began < 5
