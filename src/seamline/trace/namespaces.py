"""Seamline's own identifiers in the ledger: ``urn:seamline:<kind>:<key>``. The ledger knows EPCIS, not the
models; each context that mints a kind (catalog: rolls, materials, off-cuts, SKUs; facilities; cutting:
bundles; production: garments, cartons) says here how to look its keys up: who the goods concern (their
brand, and the organizations that are parties to them: only those may record events about them), and, for
a kind whose quantity may be taken in a captured event (a roll's meters), how to check and take it. Added
from AppConfig.ready; no models here (apps.py imports it before Django is up)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol
from uuid import UUID

__all__ = [
    "OPEN",
    "PREFIX",
    "Namespace",
    "Parties",
    "Stock",
    "Take",
    "int_keys",
    "namespace",
    "namespace_add",
    "parties",
    "split",
    "uuid_keys",
]

PREFIX = "urn:seamline:"


@dataclass(frozen=True)
class Parties:
    """Who one key's goods concern. ``brand``: the brand whose goods they are (an event about them is
    stamped with it, so the brand reads it too), or None. ``members``: the organizations that may record
    events about them; None for an open class anyone may name (an SKU)."""

    brand: int | None
    members: frozenset[int] | None

    def include(self, organization_id: int) -> bool:
        return self.members is None or organization_id in self.members


OPEN = Parties(brand=None, members=None)


def parties(brand: int | None, *members: int | None) -> Parties:
    """``parties(7, 7, 9)``: goods of brand 7 that organizations 7 and 9 may record events about."""
    return Parties(brand=brand, members=frozenset(m for m in members if m is not None))


@dataclass(frozen=True)
class Stock:
    """What a class of goods has left (a roll's meters), named for people ("roll IBR-2611A-01", "m"),
    the organization holding it (only it may take from it) and where it is (a facility's URI)."""

    left: Decimal
    label: str
    unit: str
    holder: int
    place: str


class Take(Protocol):
    """Takes quantities ({key: amount}) off goods ``holder`` holds, in the caller's transaction."""

    def __call__(self, quantities: Mapping[str, Decimal], /, *, holder: int) -> None: ...


@dataclass(frozen=True)
class Namespace:
    kind: str
    # keys -> {key: its parties}, for the keys that exist
    resolve: Callable[[list[str]], Mapping[str, Parties]]
    uom: str | None = None  # the unit a taken quantity is counted in (MTR for a roll)
    stock: Callable[[list[str]], Mapping[str, Stock]] | None = None  # what is left, for the keys
    take: Take | None = None


_NAMESPACES: dict[str, Namespace] = {}


def namespace_add(space: Namespace) -> None:
    _NAMESPACES[space.kind] = space


def namespace(kind: str) -> Namespace | None:
    return _NAMESPACES.get(kind)


def split(epc: str) -> tuple[str, str] | None:
    """'urn:seamline:roll:<uid>' -> ('roll', '<uid>'); None for anyone else's identifier.

    >>> split("urn:seamline:sku:CJ-01-M"), split("urn:epc:id:sgtin:1.2.3")
    (('sku', 'CJ-01-M'), None)
    """
    if not epc.startswith(PREFIX):
        return None
    kind, _, key = epc[len(PREFIX) :].partition(":")
    return (kind, key) if key else None


def uuid_keys(keys: Iterable[str]) -> list[str]:
    """The keys that are UUIDs (the others cannot name a row, and a UUID column refuses them).

    >>> uuid_keys(["1b4e28ba-2fa1-11d2-883f-0016d3cca427", "z" * 36])
    ['1b4e28ba-2fa1-11d2-883f-0016d3cca427']
    """
    found = []
    for key in keys:
        if len(key) == 36:
            try:
                UUID(key)
            except ValueError:
                continue
            found.append(key)
    return found


def int_keys(keys: Iterable[str]) -> list[int]:
    """The keys that are row ids: ASCII digits within a 64-bit integer ("²" is a digit to Python).

    >>> int_keys(["12", "²", "9" * 30, "x"])
    [12]
    """
    return [int(k) for k in keys if k.isascii() and k.isdigit() and len(k) <= 18]
