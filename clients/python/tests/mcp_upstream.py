"""A small real MCP server (the `mcp` package, stdio) that appends every tool execution to $UPSTREAM_LOG."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

from mcp.server.mcpserver import MCPServer
from mcp.types import ToolAnnotations

server = MCPServer("recorder")
LOG = Path(os.environ["UPSTREAM_LOG"])


def record(tool: str, **arguments: object) -> int:
    with LOG.open("a") as log:
        log.write(json.dumps({"tool": tool, **arguments}) + "\n")
    return len(LOG.read_text().splitlines())


@server.tool()
def send_email(to: str, subject: str, amount: float) -> str:
    """Send an email (a side effect: every run is recorded)."""
    return f"sent email #{record('send_email', to=to, subject=subject, amount=amount)} to {to}"


@server.tool()
async def export_report(report: str, year: int) -> str:
    """Export a report (slow: a repeat arrives while it runs)."""
    await asyncio.sleep(1.5)
    return f"exported #{record('export_report', report=report, year=year)}"


@server.tool(annotations=ToolAnnotations(read_only_hint=True))
def search(query: str) -> str:
    """Search the mailbox (read-only)."""
    return f"search #{record('search', query=query)}: no results for {query}"


if __name__ == "__main__":
    server.run()
