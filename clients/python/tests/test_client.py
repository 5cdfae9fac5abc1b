from __future__ import annotations

import asyncio

import pytest

from agent_dedup import (
    AsyncDedupClient,
    AuthenticationError,
    DedupClient,
    NotFoundError,
    OutcomeConflictError,
    ProblemError,
)

from .server import Server


def test_claim_complete_and_a_reordered_repeat_is_a_duplicate(client: DedupClient, scope: str) -> None:
    first = client.claim(scope, "send_email", {"to": "bob@example.com", "amount": 4999})
    assert first.decision == "new" and first.call_id
    record = client.complete(first.call_id, succeeded=True, result={"message_id": "m-1"})
    assert record.status == "succeeded"
    again = client.claim(scope, "send_email", {"amount": 4999.0, "to": "bob@example.com"})
    assert again.decision == "duplicate"
    assert again.match is not None and again.match.result == {"message_id": "m-1"}
    assert client.get(first.call_id).result == {"message_id": "m-1"}


def test_check_records_nothing(client: DedupClient, scope: str) -> None:
    assert client.check(scope, "refund", {"order": "A-1"}).decision == "new"
    assert client.claim(scope, "refund", {"order": "A-1"}).decision == "new"
    assert client.check(scope, "refund", {"order": "A-1"}).decision == "in_progress"


def test_a_pending_repeat_is_in_progress(client: DedupClient, scope: str) -> None:
    client.claim(scope, "charge", {"card": "c-1", "cents": 100})
    assert client.claim(scope, "charge", {"card": "c-1", "cents": 100}).decision == "in_progress"


def test_events_list_the_scope_timeline(client: DedupClient, scope: str) -> None:
    verdict = client.claim(scope, "send_sms", {"to": "+100"})
    assert verdict.call_id
    client.complete(verdict.call_id, succeeded=False, error="gateway down", retryable=True)
    kinds = [event.kind for event in client.events(scope)]
    assert kinds == ["claimed", "completed"]


def test_idempotency_key_reused_for_another_payload_is_a_conflict(client: DedupClient, scope: str) -> None:
    client.claim(scope, "pay", {"to": "a"}, idempotency_key="k-1")
    assert client.claim(scope, "pay", {"to": "b"}, idempotency_key="k-1").decision == "conflict"


def test_problems_become_exceptions_with_type_title_detail(client: DedupClient, server: Server, scope: str) -> None:
    with pytest.raises(NotFoundError) as missing:
        client.get("call_nope")
    assert (
        missing.value.status == 404 and missing.value.type.endswith("not-found") and "call_nope" in missing.value.detail
    )
    verdict = client.claim(scope, "book", {"room": 1})
    assert verdict.call_id
    client.complete(verdict.call_id, succeeded=True, result=1)
    with pytest.raises(OutcomeConflictError):
        client.complete(verdict.call_id, succeeded=True, result=2)
    with DedupClient(server.url, api_key="wrong") as stranger, pytest.raises(AuthenticationError) as denied:
        stranger.claim(scope, "book", {"room": 2})
    assert denied.value.title and denied.value.detail
    with pytest.raises(ProblemError) as invalid:
        client.claim("", "book", {})
    assert invalid.value.status == 400


def test_async_client_does_the_same(server: Server, scope: str) -> None:
    async def scenario() -> None:
        async with AsyncDedupClient(server.url, api_key=server.api_key) as client:
            first = await client.claim(scope, "send_email", {"to": "x@example.com"})
            assert first.decision == "new" and first.call_id
            await client.complete(first.call_id, succeeded=True, result="sent")
            assert (await client.check(scope, "send_email", {"to": "x@example.com"})).decision == "duplicate"
            assert (await client.get(first.call_id)).result == "sent"
            assert [event.kind for event in await client.events(scope)] == ["claimed", "completed"]
            with pytest.raises(NotFoundError):
                await client.get("call_nope")

    asyncio.run(scenario())
