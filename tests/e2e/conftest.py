"""The browser test drives Debian's chromium through Playwright's sync API (which runs an event loop, so
Django's async-safety check must be told the database calls from this thread are fine)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture
def chromium_path() -> str:
    """The browser to drive; its absence is a failure, never a skip."""
    if not CHROMIUM.exists():
        pytest.fail("install Debian's chromium: apt-get install chromium", pytrace=False)
    return str(CHROMIUM)
