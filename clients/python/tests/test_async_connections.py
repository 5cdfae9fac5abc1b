"""The async client's default transport: its answer parser on fed bytes, and its connections on a real server."""

from __future__ import annotations

import asyncio
import socket
import time

import httpx
import pytest

from agent_dedup import AsyncDedupClient
from agent_dedup.async_connections import _read_reply
from agent_dedup.connections import Reply

from .server import Server


def parse(raw: bytes) -> tuple[Reply, bool, bytes]:
    """The answer `raw` starts with, whether its connection may be reused, and the bytes left unread."""

    async def scenario() -> tuple[Reply, bool, bytes]:
        reader = asyncio.StreamReader()
        reader.feed_data(raw)
        reader.feed_eof()
        reply, keep = await _read_reply(reader)
        return reply, keep, await reader.read()

    return asyncio.run(scenario())


def test_a_content_length_answer_leaves_the_next_one_unread() -> None:
    reply, keep, rest = parse(b'HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n{"a":1}HTTP/1.1 200 OK\r\n')
    assert (reply.status_code, reply.reason_phrase, reply.json(), keep) == (200, "OK", {"a": 1}, True)
    assert rest == b"HTTP/1.1 200 OK\r\n"


def test_a_chunked_answer_with_trailers_is_joined() -> None:
    raw = (
        b'HTTP/1.1 409 Conflict\r\nTransfer-Encoding: chunked\r\n\r\n4;x=y\r\n{"a"\r\n3\r\n:1}\r\n0\r\nT: v\r\n\r\nnext'
    )
    reply, keep, rest = parse(raw)
    assert (reply.status_code, reply.text, keep, rest) == (409, '{"a":1}', True, b"next")


def test_connection_close_an_interim_answer_and_a_body_to_eof() -> None:
    reply, keep, _ = parse(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil eof")
    assert (reply.status_code, reply.content, keep) == (200, b"until eof", False)


def test_a_cut_off_answer_is_an_error() -> None:
    with pytest.raises(asyncio.IncompleteReadError):
        parse(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort")
    with pytest.raises(ValueError):
        parse(b"SSH-2.0-OpenSSH\r\n\r\n")


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
