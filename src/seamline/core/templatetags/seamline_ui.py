"""Template helpers of the Seamline UI: units, state badges, map colours."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

from seamline.core.lamap import kind_colour

register = template.Library()


def _number(value: object, places: int) -> str:
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return ""
    return f"{d:,.{places}f}"


@register.filter
def meters(value: object, places: int = 1) -> str:
    """Decimal("45.700") -> "45.7 m" (`places` decimals, thousands separated)."""
    text = _number(value, int(places))
    return f"{text} m" if text else "—"


@register.filter
def percent(fraction: object, places: int = 1) -> str:
    """0.8534 -> "85.3%"."""
    try:
        return f"{100 * Decimal(str(fraction)):.{int(places)}f}%"
    except (InvalidOperation, ValueError):
        return "—"


@register.filter
def unit(value: object, suffix: str) -> str:
    """A number with its unit, e.g. {{ m.weight_gsm|unit:"g/m²" }}; blank values show a dash."""
    if value in (None, ""):
        return "—"
    d = Decimal(str(value))
    return f"{d.normalize():f} {suffix}".strip()


@register.filter
def sentence(text: object) -> str:
    """A message as a sentence: a capital first and a closing full stop ("cannot be made" -> "… made.")."""
    words = str(text).strip()
    if not words:
        return words
    words = words[0].upper() + words[1:]
    return words if words[-1] in ".!?…" else f"{words}."


@register.filter
def facility_colour(kind: str) -> str:
    return kind_colour(kind)


@register.filter
def get_item(mapping: dict, key: object) -> object:
    """{{ line.consumption|get_item:size }}."""
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""
