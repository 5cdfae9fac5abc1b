from __future__ import annotations

import asyncio
import threading
import time

import pytest

from agent_dedup import AsyncDedupClient, DedupClient, DuplicateFailureError, Guard, InProgressError

from .server import Server


class GatewayDown(Exception):
    pass


def test_decorated_tool_runs_once_for_a_reworded_repeat(client: DedupClient, scope: str) -> None:
    runs: list[dict[str, object]] = []
    guard = Guard(client, scope)

    @guard
    def send_email(to: str, subject: str, cents: float = 0) -> dict[str, object]:
        runs.append({"to": to, "subject": subject})
        return {"message_id": f"m-{len(runs)}"}

    first = send_email("bob@example.com", "Invoice #42", cents=4999)
    second = send_email(subject="  invoice #42 ", to="Bob@Example.com", cents=4999.0)
    assert len(runs) == 1
    assert first == second == {"message_id": "m-1"}
    assert send_email("carol@example.com", "Invoice #42") == {"message_id": "m-2"}
    assert len(runs) == 2


def test_a_failure_is_final_unless_its_type_is_retryable(client: DedupClient, scope: str) -> None:
    guard = Guard(client, scope, retryable=(GatewayDown,))
    attempts: list[str] = []

    @guard
    def charge(card: str) -> str:
        attempts.append(card)
        if card == "flaky" and len(attempts) == 1:
            raise GatewayDown("503 from gateway")
        if card == "stolen":
            raise ValueError("card declined")
        return "charged"

    with pytest.raises(GatewayDown):
        charge("flaky")
    assert charge("flaky") == "charged"
    with pytest.raises(ValueError):
        charge("stolen")
    with pytest.raises(DuplicateFailureError) as replayed:
        charge("stolen")
    assert "card declined" in str(replayed.value)
    assert attempts == ["flaky", "flaky", "stolen"]


def test_a_repeat_while_running_waits_for_the_result(client: DedupClient, server: Server, scope: str) -> None:
    started = threading.Event()
    runs: list[int] = []

    def slow() -> str:
        runs.append(1)
        started.set()
        time.sleep(0.4)
        return "done"

    def first() -> None:
        with DedupClient(server.url, api_key=server.api_key) as own:
            Guard(own, scope).run("export", {"report": "q3"}, slow)

    thread = threading.Thread(target=first)
    thread.start()
    assert started.wait(10)
    assert Guard(client, scope, wait=10).run("export", {"report": "q3"}, slow) == "done"
    thread.join()
    assert runs == [1]


def test_a_repeat_gives_up_at_the_deadline(client: DedupClient, scope: str) -> None:
    client.claim(scope, "export", {"report": "q4"})
    began = time.monotonic()
    with pytest.raises(InProgressError):
        Guard(client, scope, wait=0.3).run("export", {"report": "q4"}, lambda: "never")
    assert 0.25 < time.monotonic() - began < 5


def test_context_manager_replays_without_running(client: DedupClient, scope: str) -> None:
    guard = Guard(client, scope)
    with guard.call("book_room", {"room": 12, "day": "mon"}) as call:
        assert call.should_execute
        call.result = {"booking": "b-1"}
    with guard.call("book_room", {"day": "mon", "room": 12.0}) as again:
        assert not again.should_execute
    assert again.result == {"booking": "b-1"} and again.call_id == call.call_id


def test_ignored_arguments_do_not_split_an_action(client: DedupClient, scope: str) -> None:
    runs: list[str] = []

    @Guard(client, scope, ignore=("request_id",))
    def refund(order: str, request_id: str) -> str:
        runs.append(request_id)
        return f"refunded {order}"

    assert refund("A-7", "r-1") == refund("A-7", "r-2") == "refunded A-7"
    assert runs == ["r-1"]


def test_async_tool_runs_once(server: Server, scope: str) -> None:
    runs: list[str] = []

    async def scenario() -> tuple[str, str]:
        async with AsyncDedupClient(server.url, api_key=server.api_key) as client:
            guard = Guard(client, scope)

            @guard(tool="post_message")
            async def post(channel: str, text: str) -> str:
                runs.append(text)
                return "ts-1"

            return await post("#ops", "Deploy done."), await post(text="deploy done", channel="#ops")

    assert asyncio.run(scenario()) == ("ts-1", "ts-1")
    assert len(runs) == 1


def test_a_sync_guard_refuses_async_use(client: DedupClient, scope: str) -> None:
    with pytest.raises(TypeError, match="AsyncDedupClient"):
        asyncio.run(Guard(client, scope).aclaim("x", {}))
