"""LangChain / LangGraph: `dedup_tool(guard, func)` is `langchain_core.tools.tool(func)` that runs each action once."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from langchain_core.tools import BaseTool, StructuredTool

from ..guard import Guard
from . import fit_to_guard


def dedup_tool(guard: Guard, func: Callable[..., Any], **tool_options: Any) -> BaseTool:
    """A LangChain tool (usable in a LangGraph `ToolNode`) whose body runs once per distinct action.

    The schema comes from `func`'s signature and docstring exactly as with `@tool`; an async `func` makes an
    async tool. Injected arguments (`config`, `run_manager`) never reach the guard, so they cannot split an action.
    """
    name = tool_options.pop("name", None) or func.__name__
    guarded = guard(fit_to_guard(guard, func), tool=name, ignore=("config", "run_manager", "callbacks"))
    if inspect.iscoroutinefunction(guarded):
        return StructuredTool.from_function(coroutine=guarded, name=name, **tool_options)
    return StructuredTool.from_function(func=guarded, name=name, **tool_options)
