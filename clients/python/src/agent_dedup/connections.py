"""The blocking client's default transport: kept-alive HTTP/1.1 connections on the standard library.

A guarded tool call is two small requests on the critical path of an agent's step, so per-request cost
matters more than features here. `http.client` (with `TCP_NODELAY`) spends a fraction of the CPU per request
that `httpx`'s client, pool and `h11` layers do (see bench/guard_overhead.py). What it lacks — proxies,
HTTP/2, custom TLS settings, event hooks — stays available by handing `DedupClient` an `httpx.Client`.
Failures raise the same `httpx` exceptions that path raises.
"""

from __future__ import annotations

import http.client
import json
import select
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlencode, urlsplit

import httpx

_MAX_IDLE = 8


class HTTPResponse(Protocol):
    """What the client reads of an answer: an `httpx.Response`, or the default transport's `Reply`."""

    @property
    def status_code(self) -> int: ...

    @property
    def reason_phrase(self) -> str: ...

    @property
    def text(self) -> str: ...

    def json(self) -> Any: ...


@dataclass(frozen=True, slots=True)
class Reply:
    """A whole response: the part of `httpx.Response` the readers in `exchanges` use."""

    status_code: int
    reason_phrase: str
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return json.loads(self.content)


class ConnectionPool:
    """Keep-alive connections to one origin, reused most-recent first; one may be shared between threads.

    A connection the server has closed while idle (its idle timeout) is noticed before reuse and replaced; a
    request is never sent twice.
    """

    def __init__(self, base_url: str, headers: Mapping[str, str], timeout: float, max_idle: int = _MAX_IDLE) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"base_url must be an http:// or https:// URL, not {base_url!r}")
        self._https = parts.scheme == "https"
        self._host = parts.hostname
        self._port = parts.port
        self._prefix = parts.path.rstrip("/")
        self._headers = {"Accept": "application/json", "User-Agent": "agent-dedup-python", **headers}
        self._json_headers = {**self._headers, "Content-Type": "application/json"}
        self._timeout = timeout
        self._max_idle = max_idle
        self._idle: list[http.client.HTTPConnection] = []
        self._lock = threading.Lock()

    def request(
        self, method: str, path: str, body: bytes | None = None, params: Mapping[str, Any] | None = None
    ) -> Reply:
        """Sends one request (`body` is JSON) and reads the whole answer."""
        target = self._prefix + path + ("?" + urlencode(params) if params else "")
        headers = self._headers if body is None else self._json_headers
        connection = self._checkout()
        try:
            reply = _exchange(connection, method, target, body, headers)
        except BaseException:
            connection.close()
            raise
        self._checkin(connection)
        return reply

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()

    def _checkout(self) -> http.client.HTTPConnection:
        while True:
            with self._lock:
                connection = self._idle.pop() if self._idle else None
            if connection is None:
                return self._connect()
            if _still_open(connection):
                return connection
            connection.close()

    def _checkin(self, connection: http.client.HTTPConnection) -> None:
        if connection.sock is None:  # the server answered `Connection: close`
            return
        with self._lock:
            if len(self._idle) < self._max_idle:
                self._idle.append(connection)
                return
        connection.close()

    def _connect(self) -> http.client.HTTPConnection:
        connection: http.client.HTTPConnection
        if self._https:
            connection = http.client.HTTPSConnection(self._host, self._port, timeout=self._timeout)
        else:
            connection = http.client.HTTPConnection(self._host, self._port, timeout=self._timeout)
        try:
            connection.connect()  # sets TCP_NODELAY
        except TimeoutError as error:
            raise httpx.ConnectTimeout(f"connecting to {self._host}: {error}") from error
        except OSError as error:
            raise httpx.ConnectError(f"connecting to {self._host}: {error}") from error
        return connection


def _exchange(
    connection: http.client.HTTPConnection, method: str, target: str, body: bytes | None, headers: Mapping[str, str]
) -> Reply:
    try:
        connection.request(method, target, body=body, headers=dict(headers))
        response = connection.getresponse()
        content = response.read()
    except TimeoutError as error:
        raise httpx.ReadTimeout(f"{method} {target}: {error}") from error
    except http.client.HTTPException as error:  # RemoteDisconnected, BadStatusLine, IncompleteRead, …
        raise httpx.RemoteProtocolError(f"{method} {target}: {error!r}") from error
    except OSError as error:
        raise httpx.ReadError(f"{method} {target}: {error}") from error
    if response.will_close:
        connection.close()
    return Reply(response.status, response.reason, content)


def _still_open(connection: http.client.HTTPConnection) -> bool:
    """False when an idle connection's peer has closed it (or sent something unasked, which is as bad):
    either way the socket reads as ready while no request is outstanding."""
    sock = connection.sock
    if sock is None:
        return False
    try:
        if hasattr(select, "poll"):
            poller = select.poll()
            poller.register(sock, select.POLLIN)
            return not poller.poll(0)
        return not select.select([sock], [], [], 0)[0]
    except (OSError, ValueError):
        return False
