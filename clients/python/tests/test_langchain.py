"""A LangGraph agent loop on a scripted chat model (no network) that books the same meeting twice, reworded."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.language_models.fake_chat_models import FakeMessagesListChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.tools import BaseTool, StructuredTool
from langgraph.graph import END, START, MessagesState, StateGraph
from langgraph.prebuilt import ToolNode

from agent_dedup import DedupClient, Guard
from agent_dedup.adapters.langchain import dedup_tool


def book_meeting_calls() -> list[BaseMessage]:
    # Rewordings today's funnel recognises: reordered keys, case, whitespace and trailing punctuation in text.
    first = {"room": "Blue", "attendees": 4, "title": "Quarterly review"}
    second = {"title": "quarterly  review.", "attendees": 4.0, "room": "blue"}
    return [
        AIMessage(content="", tool_calls=[{"name": "book_meeting", "args": first, "id": "t1"}]),
        AIMessage(content="", tool_calls=[{"name": "book_meeting", "args": second, "id": "t2"}]),
        AIMessage(content="Booked."),
    ]


def run_graph(tool: BaseTool) -> list[BaseMessage]:
    model = FakeMessagesListChatModel(responses=book_meeting_calls())

    def agent(state: MessagesState) -> dict[str, Any]:
        return {"messages": [model.invoke(state["messages"])]}

    def route(state: MessagesState) -> str:
        last = state["messages"][-1]
        return "tools" if isinstance(last, AIMessage) and last.tool_calls else END

    graph = StateGraph(MessagesState)
    graph.add_node("agent", agent)
    graph.add_node("tools", ToolNode([tool]))
    graph.add_edge(START, "agent")
    graph.add_conditional_edges("agent", route, ["tools", END])
    graph.add_edge("tools", "agent")
    result = graph.compile().invoke({"messages": [HumanMessage("Book the quarterly review.")]})
    return list(result["messages"])


@pytest.mark.parametrize("guarded", [True, False], ids=["guarded", "unguarded-control"])
def test_a_reworded_repeat_runs_the_tool_once(client: DedupClient, scope: str, guarded: bool) -> None:
    booked: list[str] = []

    def book_meeting(room: str, attendees: int, title: str) -> str:
        """Book a meeting room."""
        booked.append(title)
        return f"booking-{len(booked)}"

    tool = dedup_tool(Guard(client, scope), book_meeting) if guarded else StructuredTool.from_function(book_meeting)
    outputs = [message.content for message in run_graph(tool) if isinstance(message, ToolMessage)]
    if guarded:
        assert booked == ["Quarterly review"]
        assert outputs == ["booking-1", "booking-1"]
    else:
        assert outputs == ["booking-1", "booking-2"]
