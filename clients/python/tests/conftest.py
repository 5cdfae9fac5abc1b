from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from agent_dedup import DedupClient

from . import server as dedup_server

_scopes = itertools.count()


@pytest.fixture(scope="session")
def server() -> Iterator[dedup_server.Server]:
    running = dedup_server.start()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def impatient_server() -> Iterator[dedup_server.Server]:
    """A server that closes keep-alive connections after one idle second."""
    running = dedup_server.start(settings={"idle_timeout_seconds": 1})
    yield running
    running.stop()


@pytest.fixture
def client(server: dedup_server.Server) -> Iterator[DedupClient]:
    with DedupClient(server.url, api_key=server.api_key) as made:
        yield made


@pytest.fixture
def scope(request: pytest.FixtureRequest) -> str:
    """A scope no other test uses, so tests never see each other's calls."""
    return f"{request.node.name}-{next(_scopes)}"
