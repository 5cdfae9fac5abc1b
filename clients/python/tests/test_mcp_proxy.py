"""`dedup mcp-proxy` end to end: the Python `mcp` client → the built proxy → a real Python MCP server."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any, cast

import pytest
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

from .server import Server, binary

UPSTREAM = Path(__file__).with_name("mcp_upstream.py")


def text(result: Any) -> str:
    return "".join(getattr(part, "text", "") for part in result.content)


Call = tuple[str, dict[str, Any], dict[str, Any] | None]


async def session_calls(
    proxy_args: list[str],
    log: Path,
    calls: list[Call],
    environment: dict[str, str] | None = None,
    concurrently: bool = False,
) -> list[Any]:
    parameters = StdioServerParameters(
        command=str(binary()),
        args=["mcp-proxy", *proxy_args, "--", sys.executable, str(UPSTREAM)],
        env={"UPSTREAM_LOG": str(log), "PATH": "/usr/bin:/bin", **(environment or {})},
    )
    async with stdio_client(parameters) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        tools = {tool.name: tool for tool in (await session.list_tools()).tools}
        assert tools["search"].annotations is not None and tools["search"].annotations.read_only_hint
        if concurrently:
            return list(
                await asyncio.gather(
                    *(session.call_tool(name, args, meta=cast(Any, meta)) for name, args, meta in calls)
                )
            )
        results = []
        for name, arguments, meta in calls:
            results.append(await session.call_tool(name, arguments, meta=cast(Any, meta)))
        return results


def executions(log: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


@pytest.mark.parametrize("ledger", ["embedded", "server"])
def test_a_reworded_call_executes_upstream_once(tmp_path: Path, server: Server, ledger: str) -> None:
    log = tmp_path / "executions.jsonl"
    environment: dict[str, str] = {}
    if ledger == "embedded":
        proxy_args = ["--db", str(tmp_path / "proxy.sqlite")]
    else:
        proxy_args = ["--server", server.url]
        environment["DEDUP_API_KEY"] = server.api_key
    # Rewordings today's funnel recognises: reordered keys, 4999 vs 4999.0, case and whitespace in text.
    calls: list[Call] = [
        ("send_email", {"to": "bob@example.com", "subject": "Invoice #42", "amount": 4999}, None),
        ("send_email", {"amount": 4999.0, "subject": "  invoice #42 ", "to": "Bob@Example.com"}, None),
        ("send_email", {"to": "carol@example.com", "subject": "Invoice #43", "amount": 10}, None),
        ("search", {"query": "invoices"}, None),
        ("search", {"query": "invoices"}, None),
    ]
    first, repeat, distinct, search_1, search_2 = asyncio.run(session_calls(proxy_args, log, calls, environment))
    ran = executions(log)
    assert [entry["tool"] for entry in ran] == ["send_email", "send_email", "search", "search"]
    assert text(repeat) == text(first) == "sent email #1 to bob@example.com"
    assert not repeat.is_error
    verdict = (repeat.meta or {})["agent-dedup/verdict"]
    assert verdict["decision"] == "duplicate" and verdict["original_call_id"]
    assert text(distinct) == "sent email #2 to carol@example.com"
    # Read-only calls are never claimed: both searches reach the upstream.
    assert text(search_1) != text(search_2)


def test_an_idempotency_key_in_meta_is_the_caller_key(tmp_path: Path) -> None:
    log = tmp_path / "executions.jsonl"
    key = {"io.modelcontextprotocol/idempotency-key": "order-7"}
    calls: list[Call] = [
        ("send_email", {"to": "dan@example.com", "subject": "Receipt", "amount": 1}, key),
        ("send_email", {"to": "erin@example.com", "subject": "Other", "amount": 2}, key),
    ]
    first, reused = asyncio.run(session_calls(["--db", str(tmp_path / "proxy.sqlite")], log, calls))
    assert not first.is_error
    assert reused.is_error and "idempotency key" in text(reused)
    assert len(executions(log)) == 1


def test_an_unreachable_ledger_refuses_the_call_rather_than_running_it(tmp_path: Path) -> None:
    log = tmp_path / "executions.jsonl"
    calls: list[Call] = [("send_email", {"to": "fay@example.com", "subject": "Hi", "amount": 3}, None)]
    (refused,) = asyncio.run(session_calls(["--server", "http://127.0.0.1:9"], log, calls))
    assert refused.is_error and "not executed" in text(refused)
    assert executions(log) == []


def test_a_repeat_while_the_first_runs_is_told_not_to_repeat(tmp_path: Path) -> None:
    log = tmp_path / "executions.jsonl"
    calls: list[Call] = [
        ("export_report", {"report": "q3", "year": 2026}, None),
        ("export_report", {"year": 2026.0, "report": "q3"}, None),
    ]
    results = asyncio.run(session_calls(["--db", str(tmp_path / "proxy.sqlite")], log, calls, concurrently=True))
    assert len(executions(log)) == 1
    refused = [result for result in results if result.is_error]
    assert len(refused) == 1 and "already running" in text(refused[0]) and "Do not repeat" in text(refused[0])
