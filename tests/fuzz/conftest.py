"""Fixtures of the fuzz tests: one worker process for the session, a scratch folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fuzz.harness import Worker


@pytest.fixture(scope="session")
def worker() -> Iterator[Worker]:
    """A worker with the bundled pack loaded; replaced by itself after a crash or a hang."""
    with Worker() as w:
        yield w


@pytest.fixture(scope="session")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder for the inputs of one session (hypothesis forbids function-scoped tmp_path)."""
    return tmp_path_factory.mktemp("fuzz")
