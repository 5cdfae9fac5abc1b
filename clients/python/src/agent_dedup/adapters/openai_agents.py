"""OpenAI Agents SDK: `dedup_function_tool(guard, func)` is `function_tool(func)` that runs each action once."""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable
from typing import Any

from agents import FunctionTool, RunContextWrapper, function_tool

from ..guard import Guard
from . import fit_to_guard


def _context_parameters(func: Callable[..., Any]) -> list[str]:
    # The run context is the SDK's, not the model's: it must not make two identical actions look different.
    try:
        hints = typing.get_type_hints(func)
    except (NameError, TypeError):
        hints = {}
    names = []
    for name, parameter in inspect.signature(func).parameters.items():
        annotation = hints.get(name, parameter.annotation)
        origin = typing.get_origin(annotation) or annotation
        if (
            isinstance(origin, type)
            and issubclass(origin, RunContextWrapper)
            or isinstance(annotation, str)
            and ("RunContextWrapper" in annotation or "ToolContext" in annotation)
        ):
            names.append(name)
    return names


def dedup_function_tool(guard: Guard, func: Callable[..., Any], **function_tool_options: Any) -> FunctionTool:
    """A `FunctionTool` whose body runs once per distinct action in `guard.scope`.

    A repeat — even a reworded one the service recognises — returns the first run's result to the model;
    a repeat while the first is running waits for it (or, past the guard's deadline, the model reads an error
    telling it the action is already running).
    """
    name = function_tool_options.get("name_override") or func.__name__
    guarded = guard(fit_to_guard(guard, func), tool=name, ignore=_context_parameters(func))
    return function_tool(guarded, **function_tool_options)
