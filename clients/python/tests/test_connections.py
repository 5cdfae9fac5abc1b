"""The blocking client's default transport against a real server: reuse, idle closes, threads, errors."""

from __future__ import annotations

import socket
import threading
import time

import httpx
import pytest

from agent_dedup import DedupClient, NotFoundError

from .server import Server


def test_a_connection_the_server_closed_while_idle_is_replaced_not_retried(
    impatient_server: Server, scope: str
) -> None:
    with DedupClient(impatient_server.url, api_key=impatient_server.api_key) as client:
        assert client.claim(scope, "refund", {"order": "A-1"}).decision == "new"
        time.sleep(2.5)  # the server closes the idle connection after 1 s
        assert client.claim(scope, "refund", {"order": "B-2"}).decision == "new"
        assert [event.kind for event in client.events(scope)] == ["claimed", "claimed"]


def test_threads_can_share_one_client(client: DedupClient, scope: str) -> None:
    call_ids: list[str | None] = []
    lock = threading.Lock()

    def claim_some(worker: int) -> None:
        for n in range(15):
            verdict = client.claim(scope, "send_sms", {"to": f"+{worker}-{n}"})
            with lock:
                call_ids.append(verdict.call_id if verdict.decision == "new" else None)

    threads = [threading.Thread(target=claim_some, args=(worker,)) for worker in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(call_ids) == 90 and None not in call_ids and len(set(call_ids)) == 90


def test_a_supplied_httpx_client_carries_the_requests(server: Server, scope: str) -> None:
    sent: list[str] = []
    http = httpx.Client(
        base_url=server.url,
        headers={"Authorization": f"Bearer {server.api_key}"},
        event_hooks={"request": [lambda request: sent.append(request.url.path)]},
    )
    with DedupClient("http://unused.invalid", http=http) as client:
        verdict = client.claim(scope, "book", {"room": 7})
        assert verdict.decision == "new" and verdict.call_id
        assert client.complete(verdict.call_id, succeeded=True, result="ok").status == "succeeded"
        assert [event.kind for event in client.events(scope, limit=10)] == ["claimed", "completed"]
    assert sent == ["/v1/claim", f"/v1/calls/{verdict.call_id}/complete", f"/v1/scopes/{scope}/events"]


def test_a_refused_connection_raises_httpx_connect_error(scope: str) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with DedupClient(f"http://127.0.0.1:{port}", api_key="k") as client, pytest.raises(httpx.ConnectError):
        client.claim(scope, "refund", {"order": "A-1"})


def test_a_base_url_path_prefixes_every_request(server: Server, scope: str) -> None:
    # A base URL with a path (as behind a reverse proxy) keeps it: here the server answers 404 under it.
    with (
        DedupClient(f"{server.url}/behind-a-proxy/", api_key=server.api_key) as client,
        pytest.raises(NotFoundError),
    ):
        client.claim(scope, "refund", {"order": "A-1"})
