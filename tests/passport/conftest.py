"""The passport's app tests reuse the trace tests' order taken from roll to doorstep."""

import pytest

from tests.trace.conftest import delivered, sewn  # noqa: F401  (fixtures)


@pytest.fixture(autouse=True)
def _fresh_page_cache():
    """Each test's database numbers its serials from PO-00001-0001: no rendered page may carry over."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
