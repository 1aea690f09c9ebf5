"""DXF-AAMA (ASTM D6673) pattern files: read into a `Pattern` in centimetres, and write back.

Each piece is a BLOCK. Layers inside a block: 1 boundary, 2 grade-rule numbers (TEXT
``#n`` at the grade point; layer 1 is accepted too), 4 notches, 7 grain line, 8 internal
lines, 13 drill holes, 14 sew line. Block TEXT gives ``Piece Name:``, ``Size:``,
``Quantity:``, ``Category:``, ``Material:`` and ``Mirrored: Yes`` for a left/right pair;
``Style Name:``, ``Units:`` (METRIC or ENGLISH) and ``Sample Size:`` may be in the model
space or in any block. ENGLISH coordinates are inches; METRIC ones are centimetres unless
``$INSUNITS`` says millimetres (4). Arcs and splines are flattened within 0.05 cm.

Both forms are read: every size as its own block, or the sample size plus a `.rul` table.

    >>> pattern = read_dxf_aama("jacket.dxf")                    # doctest: +SKIP
    >>> graded = read_dxf_aama("base.dxf", rul="base.rul")       # doctest: +SKIP
    >>> write_dxf_aama(graded, "all_sizes.dxf")                  # doctest: +SKIP
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

import ezdxf
from ezdxf import path as ezpath
from ezdxf.lldxf.const import DXFError
from shapely.geometry import Point as ShapelyPoint
from shapely.geometry import Polygon

from .grading import GradeRuleTable, grade_pattern, read_rul
from .pattern import CATEGORIES, Pattern, PatternError, Piece, Point, Polyline

__all__ = ["read_dxf_aama", "write_dxf_aama"]

BOUNDARY, RULES, NOTCHES, GRAIN, INTERNAL, DRILL, SEW = "1", "2", "4", "7", "8", "13", "14"
_INCH_CM = 2.54
# $INSUNITS 6 (metres) is ezdxf's default for new drawings, so it is not trusted for pattern files
_INSUNITS_CM = {4: 0.1, 5: 1.0}
_FIELD = re.compile(r"^\s*([A-Za-z][A-Za-z ]*?)\s*:\s*(.*?)\s*$")
_RULE_TEXT = re.compile(r"^\s*#\s*(\d+)\s*$")


def _source_name(source: Any) -> str:
    if isinstance(source, str | Path):
        return str(source)
    return str(getattr(source, "name", "<stream>"))


def _load(source: str | Path | IO[str] | IO[bytes], name: str) -> Any:
    try:
        if isinstance(source, str | Path):
            return ezdxf.readfile(str(source))
        data = source.read()
        text = data.decode("latin-1") if isinstance(data, bytes) else data
        return ezdxf.read(io.StringIO(text))
    except OSError as exc:
        raise PatternError(f"cannot read file: {exc.strerror or exc}", file=name) from exc
    except (DXFError, ValueError, UnicodeError) as exc:
        raise PatternError(f"not a DXF file ({exc})", file=name) from exc


def _text_of(entity: Any) -> str:
    if entity.dxftype() == "MTEXT":
        return entity.plain_text()
    return entity.dxf.text


def _fields(entities: Iterable[Any]) -> dict[str, str]:
    found: dict[str, str] = {}
    for entity in entities:
        if entity.dxftype() not in ("TEXT", "MTEXT"):
            continue
        for line in _text_of(entity).splitlines():
            match = _FIELD.match(line)
            if match:
                found.setdefault(match.group(1).strip().lower(), match.group(2))
    return found


def _unit_cm(units: str, insunits: int, name: str) -> float:
    if units == "ENGLISH":
        return _INCH_CM
    if units == "METRIC":
        return _INSUNITS_CM.get(insunits, 1.0)
    raise PatternError(f"unknown unit {units or '(missing)'!r}; expected METRIC or ENGLISH", file=name)


def _flat(entity: Any, scale: float, tolerance_cm: float) -> list[Point]:
    kind = entity.dxftype()
    if kind == "POINT":
        x, y, _ = entity.dxf.location
        return [(x * scale, y * scale)]
    if kind == "LINE":
        return [
            (entity.dxf.start.x * scale, entity.dxf.start.y * scale),
            (entity.dxf.end.x * scale, entity.dxf.end.y * scale),
        ]
    if kind == "POLYLINE" and not entity.is_2d_polyline and not entity.is_3d_polyline:
        return []
    try:
        built = ezpath.make_path(entity)
    except TypeError:
        return []
    return [(v.x * scale, v.y * scale) for v in built.flattening(tolerance_cm / scale, segments=4)]


def _near(a: Point, b: Point, tolerance: float) -> bool:
    return math.hypot(a[0] - b[0], a[1] - b[1]) <= tolerance


def _chain(parts: list[list[Point]], tolerance: float) -> list[Point]:
    """Join curve pieces end to end (reversing where needed) into one polyline."""
    parts = [p for p in parts if len(p) >= 2]
    if not parts:
        return []
    chain = list(parts.pop(0))
    while parts:
        for i, part in enumerate(parts):
            if _near(chain[-1], part[0], tolerance):
                chain.extend(part[1:])
            elif _near(chain[-1], part[-1], tolerance):
                chain.extend(reversed(part[:-1]))
            elif _near(chain[0], part[-1], tolerance):
                chain[:0] = part[:-1]
            elif _near(chain[0], part[0], tolerance):
                chain[:0] = list(reversed(part[1:]))
            else:
                continue
            parts.pop(i)
            break
        else:
            break
    return chain


def _boundary(parts: list[list[Point]], close_cm: float, fail: Any) -> Polyline:
    points = _chain(parts, close_cm)
    if len(points) < 3:
        raise fail("no boundary on layer 1")
    if not _near(points[0], points[-1], close_cm):
        raise fail(f"open boundary: starts at {points[0]} and ends at {points[-1]} (cm)")
    points = points[:-1]
    deduped = [p for i, p in enumerate(points) if i == 0 or not _near(p, points[i - 1], 1e-9)]
    if len(deduped) < 3:
        raise fail("boundary has fewer than three distinct points")
    return tuple(deduped)


def _quantity(text: str | None, fail: Any) -> int:
    if text is None or not text.strip():
        raise fail("missing Quantity")
    match = re.match(r"^\s*(\d+)", text)
    if match is None or int(match.group(1)) <= 0:
        raise fail(f"quantity must be a positive whole number, got {text!r}")
    return int(match.group(1))


def _grade_rules(entities: list[Any], boundary: Polyline, scale: float, close_cm: float, fail: Any) -> tuple:
    rules: list[int | None] = [None] * len(boundary)
    for entity in entities:
        if entity.dxftype() != "TEXT" or entity.dxf.layer not in (RULES, BOUNDARY):
            continue
        match = _RULE_TEXT.match(entity.dxf.text)
        if match is None:
            continue
        at = (entity.dxf.insert.x * scale, entity.dxf.insert.y * scale)
        index = min(range(len(boundary)), key=lambda i: math.dist(boundary[i], at))
        if not _near(boundary[index], at, close_cm):
            raise fail(f"grade rule #{match.group(1)} at {at} (cm) is not on a boundary vertex")
        rules[index] = int(match.group(1))
    return tuple(rules) if any(r is not None for r in rules) else ()


def _piece(block: Any, fields: dict[str, str], defaults: dict[str, Any], name: str) -> Piece:
    piece_name = fields.get("piece name") or block.name

    def fail(message: str) -> PatternError:
        return PatternError(message, file=name, piece=piece_name)

    scale, tol, close = defaults["scale"], defaults["tolerance_cm"], defaults["close_tolerance_cm"]
    entities = list(block)
    layers: dict[str, list[list[Point]]] = {}
    for entity in entities:
        if entity.dxftype() == "CIRCLE" and entity.dxf.layer == DRILL:
            layers.setdefault(DRILL, []).append([(entity.dxf.center.x * scale, entity.dxf.center.y * scale)])
        elif entity.dxftype() not in ("TEXT", "MTEXT", "INSERT"):
            layers.setdefault(entity.dxf.layer, []).append(_flat(entity, scale, tol))
    boundary = _boundary(layers.get(BOUNDARY, []), close, fail)
    polygon = Polygon(boundary)
    if not polygon.is_valid or polygon.area <= 0:
        raise fail("self-intersecting boundary")
    category = (fields.get("category") or "shell").strip().lower()
    if category not in CATEGORIES:
        raise fail(f"unknown category {category!r}; expected one of {', '.join(CATEGORIES)}")
    size = (fields.get("size") or defaults["sample_size"]).strip()
    if not size:
        raise fail("no Size and no Sample Size")
    grain = [p for p in layers.get(GRAIN, []) if len(p) >= 2]
    ring = polygon.exterior
    notches = tuple(
        min(p, key=lambda q: ring.distance(ShapelyPoint(q))) for p in layers.get(NOTCHES, []) if p
    )
    return Piece(
        name=piece_name,
        size=size,
        quantity=_quantity(fields.get("quantity"), fail),
        category=category,
        material=(fields.get("material") or "").strip(),
        boundary=boundary,
        grain_line=(grain[0][0], grain[0][-1]) if grain else None,
        notches=notches,
        drill_holes=tuple(p[0] for p in layers.get(DRILL, []) if len(p) == 1),
        internal_lines=tuple(tuple(p) for p in layers.get(INTERNAL, []) if len(p) >= 2),
        sew_line=tuple(_chain(layers.get(SEW, []), close)),
        mirrored_pair=(fields.get("mirrored") or fields.get("mirrored pair") or "").strip().lower()
        in ("yes", "y", "true", "1"),
        grade_rules=_grade_rules(entities, boundary, scale, close, fail),
    )


def _is_piece_block(block: Any) -> bool:
    if block.name.startswith("*") or block.is_any_layout:
        return False
    return any(e.dxf.layer == BOUNDARY and e.dxftype() not in ("TEXT", "MTEXT") for e in block) or (
        "piece name" in _fields(block)
    )


def read_dxf_aama(
    source: str | Path | IO[str] | IO[bytes],
    *,
    rul: GradeRuleTable | str | Path | IO[str] | None = None,
    tolerance_cm: float = 0.05,
    close_tolerance_cm: float = 0.01,
) -> Pattern:
    """Read a DXF-AAMA file (and optionally its `.rul` grade rules) into a `Pattern` in cm.

    With `rul`, the file must hold the sample size only and every size of the table is
    graded from it. Raises `PatternError` naming the file and the piece on bad input.

        >>> read_dxf_aama("shirt.dxf").pieces_for("M")           # doctest: +SKIP
    """
    name = _source_name(source)
    doc = _load(source, name)
    blocks = [b for b in doc.blocks if _is_piece_block(b)]
    style = _fields(doc.modelspace())
    for block in blocks:
        for key, value in _fields(block).items():
            style.setdefault(key, value)
    units = (style.get("units") or "").strip().upper()
    scale = _unit_cm(units, int(doc.header.get("$INSUNITS", 0)), name)
    table = rul if isinstance(rul, GradeRuleTable) or rul is None else read_rul(rul)
    sample_size = (style.get("sample size") or (table.sample_size if table else "")).strip()
    defaults = {
        "scale": scale,
        "tolerance_cm": tolerance_cm,
        "close_tolerance_cm": close_tolerance_cm,
        "sample_size": sample_size,
    }
    pieces = tuple(_piece(block, _fields(block), defaults, name) for block in blocks)
    if not pieces:
        raise PatternError("no pattern pieces (no block with a layer-1 boundary)", file=name)
    pattern = Pattern(
        style_name=(style.get("style name") or Path(name).stem).strip(),
        units=units,
        sample_size=sample_size,
        pieces=pieces,
        source=name,
    )
    if table is None:
        return pattern
    rule_cm = _INCH_CM if table.units == "ENGLISH" else scale
    return grade_pattern(pattern, table, unit_cm=rule_cm)


def _block_name(piece: Piece, taken: set[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9_-]+", "_", f"{piece.name}_{piece.size}").strip("_") or "PIECE"
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}_{n}"
    taken.add(name)
    return name


def _to_units(points: Iterable[Point], unit: float) -> list[tuple[float, float]]:
    return [(x / unit, y / unit) for x, y in points]


def _write_piece(block: Any, piece: Piece, unit: float, text_height: float) -> None:
    block.add_lwpolyline(_to_units(piece.boundary, unit), close=True, dxfattribs={"layer": BOUNDARY})
    for (x, y), rule in zip(piece.boundary, piece.grade_rules, strict=False):
        if rule is not None:
            block.add_text(
                f"#{rule}", height=text_height, dxfattribs={"layer": RULES, "insert": (x / unit, y / unit)}
            )
    if piece.grain_line is not None:
        start, end = _to_units(piece.grain_line, unit)
        block.add_line(start, end, dxfattribs={"layer": GRAIN})
    for point in _to_units(piece.notches, unit):
        block.add_point(point, dxfattribs={"layer": NOTCHES})
    for point in _to_units(piece.drill_holes, unit):
        block.add_point(point, dxfattribs={"layer": DRILL})
    for line in piece.internal_lines:
        block.add_lwpolyline(_to_units(line, unit), dxfattribs={"layer": INTERNAL})
    if piece.sew_line:
        block.add_lwpolyline(_to_units(piece.sew_line, unit), dxfattribs={"layer": SEW})
    min_x, min_y, _, _ = piece.bounds
    lines = [
        f"Piece Name: {piece.name}",
        f"Size: {piece.size}",
        f"Quantity: {piece.quantity}",
        f"Category: {piece.category}",
        f"Material: {piece.material}",
        f"Mirrored: {'Yes' if piece.mirrored_pair else 'No'}",
    ]
    for i, line in enumerate(lines):
        at = (min_x / unit, min_y / unit - (i + 1) * 1.5 * text_height)
        block.add_text(line, height=text_height, dxfattribs={"layer": "1", "insert": at})


def write_dxf_aama(pattern: Pattern, path: str | Path) -> None:
    """Write every piece of every size as its own DXF-AAMA block; `read_dxf_aama` reads it back.

    Coordinates are written in the pattern's units (inches for ENGLISH, cm for METRIC).

        >>> write_dxf_aama(pattern, "out.dxf")                   # doctest: +SKIP
    """
    if pattern.units not in ("METRIC", "ENGLISH"):
        raise PatternError(f"unknown unit {pattern.units!r}; expected METRIC or ENGLISH", file=str(path))
    unit = _INCH_CM if pattern.units == "ENGLISH" else 1.0
    text_height = 0.2 if pattern.units == "ENGLISH" else 0.5
    doc = ezdxf.new("R2000")
    doc.header["$INSUNITS"] = 1 if pattern.units == "ENGLISH" else 5
    for layer in (BOUNDARY, RULES, NOTCHES, GRAIN, INTERNAL, DRILL, SEW):
        if layer not in doc.layers:
            doc.layers.add(layer)
    msp = doc.modelspace()
    for i, line in enumerate(
        (
            f"Style Name: {pattern.style_name}",
            f"Units: {pattern.units}",
            f"Sample Size: {pattern.sample_size}",
        )
    ):
        msp.add_text(line, height=text_height, dxfattribs={"insert": (0, -(i + 1) * 1.5 * text_height)})
    taken: set[str] = set()
    for piece in pattern.pieces:
        block = doc.blocks.new(name=_block_name(piece, taken))
        _write_piece(block, piece, unit, text_height)
        msp.add_blockref(block.name, (0, 0))
    doc.saveas(str(path))
