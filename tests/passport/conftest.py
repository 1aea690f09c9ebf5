"""The passport's app tests reuse the trace tests' order taken from roll to doorstep."""

from tests.trace.conftest import delivered, sewn  # noqa: F401  (fixtures)
