"""Sections that contexts higher up add to a page of a lower one: the style page shows its pattern versions
(cutting) and its orders (production); an order's page its cut plans (cutting), its floor (floor), its mass
balance (lineage) and its passports (passport). The lower context shows them without importing them; each
context adds its panels when its app is ready. No models here: apps.py imports it before Django is up.

    >>> page = Panels("example")
    >>> page.add("hello", lambda request, subject: f"<p>{subject}</p>", position=20)
    >>> page.add("first", lambda request, subject: "<p>first</p>", position=10)
    >>> page.render(None, "world")["main"]
    ['<p>first</p>', '<p>world</p>']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.safestring import SafeString, mark_safe

__all__ = ["Panel", "Panels"]

Render = Callable[[Any, Any], str]  # (request, the page's subject) -> HTML, or "" to show nothing


@dataclass(frozen=True)
class Panel:
    name: str
    render: Render
    position: int
    slot: str


class Panels:
    """The panels of one kind of page, in the order of their ``position`` within each ``slot``."""

    def __init__(self, page: str) -> None:
        self.page = page
        self._panels: dict[str, Panel] = {}

    def add(self, name: str, render: Render, *, position: int = 100, slot: str = "main") -> None:
        """Add (or replace, by ``name``: ready() may run twice in tests) a panel."""
        self._panels[name] = Panel(name, render, position, slot)

    def render(self, request: Any, subject: Any) -> dict[str, list[SafeString]]:
        """Each slot's panels rendered for ``subject``, empty ones left out."""
        slots: dict[str, list[SafeString]] = {}
        for panel in sorted(self._panels.values(), key=lambda p: (p.position, p.name)):
            html = panel.render(request, subject)
            if html:
                slots.setdefault(panel.slot, []).append(mark_safe(html))  # each panel renders a template
        return slots
