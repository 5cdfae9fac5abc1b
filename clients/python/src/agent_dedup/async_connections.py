"""The async client's default transport: kept-alive HTTP/1.1 connections on `asyncio` streams.

The async twin of `connections`: `httpx.AsyncClient` spends one to two milliseconds of CPU per request in
its client, pool, `anyio` and `h11` layers, more than the server takes to decide a claim. A request here is
one write (head and body together) and one parse of a `Content-Length` or chunked answer. Pass
`AsyncDedupClient` an `httpx.AsyncClient` for proxies, custom TLS, HTTP/2 or event hooks.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx

from .connections import Reply

_MAX_IDLE = 8
_MAX_HEAD = 64 * 1024


class _Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.loop = asyncio.get_running_loop()

    def reusable(self) -> bool:
        """False once the peer has closed it (its idle timeout) or it belongs to an event loop now gone."""
        return self.loop is asyncio.get_running_loop() and not self.reader.at_eof() and not self.writer.is_closing()

    def close(self) -> None:
        try:
            self.writer.close()
        except RuntimeError:  # its event loop is closed: nothing left to close it with
            pass


class AsyncConnectionPool:
    """Keep-alive connections to one origin, reused most-recent first, within one event loop at a time.

    A connection the server has closed while idle is noticed before reuse and replaced; a request is never
    sent twice. A cancelled request closes its connection rather than leave half an answer on it.
    """

    def __init__(self, base_url: str, headers: Mapping[str, str], timeout: float, max_idle: int = _MAX_IDLE) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"base_url must be an http:// or https:// URL, not {base_url!r}")
        self._tls = ssl.create_default_context() if parts.scheme == "https" else None
        self._host = parts.hostname
        self._port = parts.port or (443 if self._tls else 80)
        self._prefix = parts.path.rstrip("/")
        authority = parts.netloc.rpartition("@")[2]
        fields = {"Host": authority, "Accept": "application/json", "User-Agent": "agent-dedup-python", **headers}
        if any(c in text for item in fields.items() for text in item for c in "\r\n\0"):
            raise ValueError("header names and values must not contain CR, LF or NUL")
        self._head_fields = "".join(f"{name}: {value}\r\n" for name, value in fields.items()).encode("latin-1")
        self._timeout = timeout
        self._max_idle = max_idle
        self._idle: list[_Connection] = []

    async def request(
        self, method: str, path: str, body: bytes | None = None, params: Mapping[str, Any] | None = None
    ) -> Reply:
        """Sends one request (`body` is JSON) and reads the whole answer."""
        target = self._prefix + path + ("?" + urlencode(params) if params else "")
        message = f"{method} {target} HTTP/1.1\r\n".encode("ascii") + self._head_fields
        if body is not None:
            message += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body
        else:
            message += b"\r\n"
        connection = await self._checkout()
        try:
            reply, keep = await asyncio.wait_for(self._exchange(connection, message), self._timeout)
        except asyncio.TimeoutError as error:
            connection.close()
            raise httpx.ReadTimeout(f"{method} {target}: no answer within {self._timeout} s") from error
        except BaseException:
            connection.close()
            raise
        if keep and len(self._idle) < self._max_idle:
            self._idle.append(connection)
        else:
            connection.close()
        return reply

    async def aclose(self) -> None:
        idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()

    async def _checkout(self) -> _Connection:
        while self._idle:
            connection = self._idle.pop()
            if connection.reusable():
                return connection
            connection.close()
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(self._host, self._port, ssl=self._tls, limit=_MAX_HEAD), self._timeout
            )
        except asyncio.TimeoutError as error:
            raise httpx.ConnectTimeout(f"connecting to {self._host}: no answer within {self._timeout} s") from error
        except OSError as error:
            raise httpx.ConnectError(f"connecting to {self._host}: {error}") from error
        return _Connection(reader, writer)

    async def _exchange(self, connection: _Connection, message: bytes) -> tuple[Reply, bool]:
        try:
            connection.writer.write(message)
            await connection.writer.drain()
            return await _read_reply(connection.reader)
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as error:
            raise httpx.RemoteProtocolError(f"malformed or cut-off answer: {error!r}") from error
        except OSError as error:
            raise httpx.ReadError(f"{error}") from error


async def _read_reply(reader: asyncio.StreamReader) -> tuple[Reply, bool]:
    """One answer, and whether the connection may carry another request."""
    while True:
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
        status_line, *lines = head[:-4].split("\r\n")
        version, _, rest = status_line.partition(" ")
        code, _, reason = rest.partition(" ")
        if not version.startswith("HTTP/1.") or not code.isdigit():
            raise ValueError(f"not an HTTP/1.x status line: {status_line!r}")
        status = int(code)
        if not 100 <= status < 200:
            break  # 1xx answers (none are asked for) precede the real one
    fields: dict[str, str] = {}
    for line in lines:
        name, _, value = line.partition(":")
        fields[name.strip().lower()] = value.strip()
    keep = fields.get("connection", "").lower() != "close" and version == "HTTP/1.1"
    if status in (204, 304):
        content = b""
    elif "chunked" in fields.get("transfer-encoding", "").lower():
        content = await _read_chunked(reader)
    elif "content-length" in fields:
        content = await reader.readexactly(int(fields["content-length"]))
    else:
        content = await reader.read()  # delimited by the server closing the connection
        keep = False
    return Reply(status, reason, content), keep


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    chunks: list[bytes] = []
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";", 1)[0].strip(), 16)
        if size == 0:
            while await reader.readuntil(b"\r\n") != b"\r\n":  # trailer fields, then the blank line
                pass
            return b"".join(chunks)
        chunks.append(await reader.readexactly(size))
        await reader.readexactly(2)
