"""ESICUP strip-packing instances in the jagua-rs/sparrow JSON format, read as NestPieces.

The format: ``{name, strip_height, items: [{id, demand, allowed_orientations, shape: {type:
"simple_polygon", data: [[x, y], ...]}}]}``. ``strip_height`` is the fabric width; the instances carry
no selvedge, so nest them with ``margin_cm=0``.

    >>> inst = load_instance("bench/data/nesting/albano.json")  # doctest: +SKIP
    >>> inst.strip_height, sum(p.demand for p in inst.pieces)  # doctest: +SKIP
    (4900.0, 24)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .nesting import NestPiece

__all__ = ["EsicupInstance", "load_instance", "parse_instance"]


@dataclass(frozen=True)
class EsicupInstance:
    """An instance: its name, its strip height (the fabric width) and its pieces."""

    name: str
    strip_height: float
    pieces: tuple[NestPiece, ...]


def load_instance(path: str | Path) -> EsicupInstance:
    """Read the instance at ``path``; ValueError naming the file when it is not one."""
    path = Path(path)
    try:
        doc = json.loads(path.read_text())
        return parse_instance(doc, default_name=path.stem)
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"{path}: not a jagua-rs strip-packing instance ({exc})") from exc


def parse_instance(doc: dict[str, Any], *, default_name: str = "") -> EsicupInstance:
    """The instance in an already parsed JSON document.

    >>> doc = {"strip_height": 10, "items": [{"id": 0, "demand": 2, "allowed_orientations": [0.0],
    ...        "shape": {"type": "simple_polygon", "data": [[0, 0], [4, 0], [4, 3], [0, 0]]}}]}
    >>> parse_instance(doc).pieces[0].outline
    ((0.0, 0.0), (4.0, 0.0), (4.0, 3.0))
    """
    pieces = tuple(_piece(item) for item in doc["items"])
    return EsicupInstance(str(doc.get("name") or default_name), float(doc["strip_height"]), pieces)


def _piece(item: dict[str, Any]) -> NestPiece:
    shape = item["shape"]
    if shape.get("type") != "simple_polygon":
        raise ValueError(f"item {item['id']}: shape type {shape.get('type')!r} is not supported")
    points = [(float(x), float(y)) for x, y in shape["data"]]
    if len(points) > 1 and points[0] == points[-1]:
        points.pop()
    if len(points) < 3:
        raise ValueError(f"item {item['id']}: fewer than 3 points")
    turns = item.get("allowed_orientations")
    return NestPiece(
        id=str(item["id"]),
        outline=tuple(points),
        demand=int(item["demand"]),
        allowed_turns=tuple(float(t) for t in turns) if turns else (0.0,),
    )
