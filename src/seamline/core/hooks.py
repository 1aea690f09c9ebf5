"""Something that happened, which contexts higher up act on: garments packed get their passports. The
context where it happens calls ``run``; the ones above add their reaction when their app is ready, so the
lower context never imports them. No models here: apps.py imports it before Django is up.

    >>> packed = Hook("garments packed")
    >>> seen = []
    >>> packed.add("note it", seen.append)
    >>> packed.run("PO-00003")
    >>> seen
    ['PO-00003']
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["Hook"]


class Hook:
    def __init__(self, name: str) -> None:
        self.name = name
        self._reactions: dict[str, Callable[..., Any]] = {}

    def add(self, name: str, reaction: Callable[..., Any]) -> None:
        """Add (or replace, by ``name``: ready() may run twice in tests) a reaction."""
        self._reactions[name] = reaction

    def run(self, *args: Any, **kwargs: Any) -> None:
        """Call every reaction, in the order they were added."""
        for reaction in list(self._reactions.values()):
            reaction(*args, **kwargs)
