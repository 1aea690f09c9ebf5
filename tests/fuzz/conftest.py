"""The fuzz run's tally (what was sent, what came back), printed at the end of the session."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pytest


@dataclass
class Tally:
    statuses: Counter = field(default_factory=Counter)
    operations: set[str] = field(default_factory=set)
    failed: dict[str, str] = field(default_factory=dict)

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)

    def summary(self) -> str:
        return (
            f"{len(self.operations)} operations, {self.requests} requests, "
            f"{self.server_errors} server errors, {len(self.failed)} failing operations; "
            f"statuses {dict(sorted(self.statuses.items()))}"
        )


TALLY = Tally()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if TALLY.requests:
        terminalreporter.write_sep("-", "API fuzz")
        terminalreporter.write_line(TALLY.summary())
        for operation, message in TALLY.failed.items():
            terminalreporter.write_line(f"  {operation}: {message}")
