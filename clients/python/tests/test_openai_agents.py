"""The Agents SDK runs a scripted model (no network) that sends the same email twice, reworded."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from agents import Agent, Model, ModelResponse, Runner, Usage, function_tool, set_tracing_disabled
from openai.types.responses import ResponseFunctionToolCall, ResponseOutputMessage, ResponseOutputText

from agent_dedup import AsyncDedupClient, Guard
from agent_dedup.adapters.openai_agents import dedup_function_tool

from .server import Server


class ScriptedModel(Model):
    """Answers each turn with the next scripted output, and records the tool outputs it was shown."""

    def __init__(self, turns: list[list[Any]]) -> None:
        self.turns = turns
        self.seen_outputs: list[str] = []

    async def get_response(self, *args: Any, **kwargs: Any) -> ModelResponse:
        items = kwargs.get("input", args[1] if len(args) > 1 else [])
        if isinstance(items, list):
            self.seen_outputs = [
                str(item.get("output"))
                for item in items
                if isinstance(item, dict) and item.get("type") == "function_call_output"
            ]
        return ModelResponse(output=self.turns.pop(0), usage=Usage(), response_id=None)

    def stream_response(self, *args: Any, **kwargs: Any) -> AsyncIterator[Any]:
        raise NotImplementedError("the test runs without streaming")


def tool_call(call_id: str, arguments: dict[str, Any]) -> ResponseFunctionToolCall:
    return ResponseFunctionToolCall(
        type="function_call", call_id=call_id, name="send_invoice", arguments=json.dumps(arguments), id=f"fc_{call_id}"
    )


def message(text: str) -> ResponseOutputMessage:
    return ResponseOutputMessage(
        id="msg_1",
        type="message",
        role="assistant",
        status="completed",
        content=[ResponseOutputText(type="output_text", text=text, annotations=[])],
    )


@pytest.mark.parametrize("guarded", [True, False], ids=["guarded", "unguarded-control"])
def test_a_reworded_repeat_runs_the_tool_once(server: Server, scope: str, guarded: bool) -> None:
    set_tracing_disabled(True)
    sent: list[dict[str, Any]] = []

    def send_invoice(customer: str, amount: float, note: str) -> str:
        """Email an invoice to a customer."""
        sent.append({"customer": customer, "amount": amount, "note": note})
        return f"invoice-{len(sent)}"

    # Rewordings today's funnel recognises: reordered keys, 4999 vs 4999.0, case and whitespace in text.
    model = ScriptedModel(
        [
            [tool_call("c1", {"customer": "ACME Corp", "amount": 4999, "note": "Thanks for your order!"})],
            [tool_call("c2", {"note": "thanks for your order! ", "amount": 4999.0, "customer": "acme corp"})],
            [message("Sent.")],
        ]
    )

    async def scenario() -> str:
        async with AsyncDedupClient(server.url, api_key=server.api_key) as client:
            tool = dedup_function_tool(Guard(client, scope), send_invoice) if guarded else function_tool(send_invoice)
            agent = Agent(name="billing", instructions="Send invoices.", model=model, tools=[tool])
            result = await Runner.run(agent, "Invoice ACME for 4999.")
            return str(result.final_output)

    assert asyncio.run(scenario()) == "Sent."
    if guarded:
        assert len(sent) == 1
        assert model.seen_outputs == ["invoice-1", "invoice-1"]
    else:
        # Without the guard the same script sends two invoices: the scenario really repeats the action.
        assert model.seen_outputs == ["invoice-1", "invoice-2"]
