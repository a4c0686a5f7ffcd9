"""The whole app as a process, on a real X server (Xvfb), against the standalone fake server."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def xvfb() -> Iterator[str]:
    """A private X display (Linux: the Xvfb package, installed by scripts/test.sh)."""
    if shutil.which("Xvfb") is None:
        pytest.fail("Xvfb is missing: apt-get install xvfb xauth (scripts/test.sh does it)")
    read_fd, write_fd = os.pipe()
    process = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1280x800x24",
                                "-nolisten", "tcp"], pass_fds=(write_fd,), stderr=subprocess.DEVNULL)
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        display = ":" + pipe.readline().strip()
    try:
        yield display
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def standalone_server() -> Iterator[str]:
    """`python -m tests.fakes.yandex_server`: slow enough replies to kill the app in the middle of one."""
    process = subprocess.Popen([sys.executable, "-m", "tests.fakes.yandex_server", "--port", "0",
                                "--chunk-delay", "0.4", "--chunks", "8"], cwd=ROOT,
                               stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    url = process.stdout.readline().strip().split()[-1]
    assert url.startswith("http://127.0.0.1:"), url
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def wait_for(condition, timeout: float = 20.0, interval: float = 0.1, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what}")
