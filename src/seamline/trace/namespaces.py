"""Seamline's own identifiers in the ledger: ``urn:seamline:<kind>:<key>``. The ledger knows EPCIS, not the
models; each context that mints a kind (catalog: rolls, materials, off-cuts, SKUs; facilities; cutting:
bundles; production: garments, cartons) says here how to look its keys up, and, for a kind whose quantity a
partner may take in a captured event (a roll's meters), how to check and take it. Added from
AppConfig.ready; no models here (apps.py imports it before Django is up)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

__all__ = ["PREFIX", "Namespace", "Stock", "namespace", "namespace_add", "split", "uuid_keys"]

PREFIX = "urn:seamline:"


@dataclass(frozen=True)
class Stock:
    """What a class of goods has left (a roll's meters), named for people ("roll IBR-2611A-01", "m")."""

    left: Decimal
    label: str
    unit: str


@dataclass(frozen=True)
class Namespace:
    kind: str
    # keys -> {key: the brand whose goods they are, or None}, for the keys that exist
    resolve: Callable[[list[str]], Mapping[str, int | None]]
    uom: str | None = None  # the unit a taken quantity is counted in (MTR for a roll)
    stock: Callable[[list[str]], Mapping[str, Stock]] | None = None  # what is left, for the keys
    take: Callable[[Mapping[str, Decimal]], None] | None = None  # takes quantities off, in a transaction


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
    """The keys shaped like a UUID (the others cannot name a row)."""
    return [k for k in keys if len(k) == 36]
