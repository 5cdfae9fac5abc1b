"""Wrappers that put a `Guard` around the tools of agent frameworks."""

from __future__ import annotations

import asyncio
import functools
import inspect
from collections.abc import Callable
from typing import Any

from ..client import AsyncDedupClient
from ..guard import Guard


def fit_to_guard(guard: Guard, func: Callable[..., Any]) -> Callable[..., Any]:
    """`func`, made a coroutine (run in a worker thread) when the guard's client is async and `func` is not.

    Frameworks accept both kinds of tool; an async guard cannot wrap a blocking body without blocking the loop.
    """
    if not isinstance(guard.client, AsyncDedupClient) or inspect.iscoroutinefunction(func):
        return func

    @functools.wraps(func)
    async def in_thread(*args: Any, **kwargs: Any) -> Any:
        return await asyncio.to_thread(func, *args, **kwargs)

    return in_thread
