"""Starts a real `dedup serve` (the built binary) on a free port with a fresh SQLite ledger."""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
API_KEY = "test-key-agent-dedup-python"
_LISTENING = re.compile(r"listening on (http://[0-9.]+:[0-9]+)")


def binary() -> Path:
    """The binary under test: `DEDUP_BINARY`, else the release build, else the debug build."""
    configured = os.environ.get("DEDUP_BINARY")
    candidates = [Path(configured)] if configured else [REPO / ".build/release/dedup", REPO / ".build/debug/dedup"]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise RuntimeError(f"no dedup binary at {', '.join(map(str, candidates))}: run `swift build` first")


@dataclass
class Server:
    """A running server: its URL, its key, and the process to stop."""

    url: str
    api_key: str
    process: subprocess.Popen[str]
    directory: tempfile.TemporaryDirectory[str]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.directory.cleanup()


def start(timeout: float = 30.0, settings: dict[str, object] | None = None) -> Server:
    """Starts a server; `settings` are configuration-file keys (e.g. `idle_timeout_seconds`)."""
    directory = tempfile.TemporaryDirectory(prefix="agent-dedup-py-")
    environment = dict(os.environ, DEDUP_API_KEYS=f"default:{API_KEY}", DEDUP_LOG_LEVEL="warning")
    if settings:
        config = Path(directory.name) / "config.json"
        config.write_text(json.dumps(settings))
        environment["DEDUP_CONFIG"] = str(config)
    process = subprocess.Popen(
        [str(binary()), "serve", "--port", "0", "--database", str(Path(directory.name) / "ledger.sqlite")],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=environment,
    )
    assert process.stdout is not None
    deadline = time.monotonic() + timeout
    seen: list[str] = []
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        seen.append(line)
        if found := _LISTENING.search(line):
            return Server(found.group(1), API_KEY, process, directory)
    process.kill()
    directory.cleanup()
    raise RuntimeError("dedup serve did not start:\n" + "".join(seen))
