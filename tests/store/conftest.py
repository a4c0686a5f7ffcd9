"""Fixtures for the chat store tests: a fresh store in a temp folder, opened synchronously."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_chat.store import ChatStore
from tests.store.helpers import open_store


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def store(data_dir: Path) -> Iterator[ChatStore]:
    s = open_store(data_dir)
    yield s
    s.close()
