"""A size's pattern pieces drawn side by side, as a patternmaker reads them. Pure: no Django.

Each piece is drawn as drafted (y up, so the picture flips y): the cut line, the sew line dashed, internal
lines, the grain line as an arrow, notches as ticks and drill holes as circles, labelled with its name,
quantity and whether it is cut as a left/right pair.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from .pattern import Piece

__all__ = ["pieces_svg"]

_GAP_CM = 6.0
_LABEL_CM = 7.0


def pieces_svg(pieces: Sequence[Piece], *, row_width_cm: float = 260.0, title: str = "") -> str:
    """The pieces laid out in rows about ``row_width_cm`` wide, one scale for all (a 10 cm bar shows it).

    >>> sq = Piece(name="Patch", size="M", quantity=2, boundary=((0, 0), (10, 0), (10, 10), (0, 10)))
    >>> "Patch" in pieces_svg([sq]) and "× 2" in pieces_svg([sq])
    True
    """
    x = y = row_height = 0.0
    width = 0.0
    parts: list[str] = []
    for piece in pieces:
        min_x, min_y, max_x, max_y = piece.bounds
        w, h = max_x - min_x, max_y - min_y
        if x > 0 and x + w > row_width_cm:
            x, y = 0.0, y + row_height + _GAP_CM + _LABEL_CM
            row_height = 0.0
        parts.append(_piece(piece, dx=x - min_x, top=y + max_y))
        width = max(width, x + w)
        row_height = max(row_height, h)
        x += w + _GAP_CM
    height = y + row_height + _LABEL_CM + 6
    font = max(2.2, width / 90)
    bar = (
        f'<g class="scale"><line x1="0" y1="{height - 2:.2f}" x2="10" y2="{height - 2:.2f}" stroke="#333" '
        f'stroke-width="0.6"/><text x="12" y="{height - 1:.2f}" font-size="{font:.2f}">10 cm</text></g>'
    )
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="-3 -3 {width + 6:.2f} {height + 3:.2f}" '
            f'font-family="sans-serif" font-size="{font:.2f}" role="img">',
            f"<title>{escape(title or 'Pattern pieces')}</title>",
            '<defs><marker id="grainhead" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="5" '
            'markerHeight="5" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" fill="#1d4f91"/>'
            "</marker></defs>",
            *parts,
            bar,
            "</svg>",
        ]
    )


def _piece(piece: Piece, *, dx: float, top: float) -> str:
    def at(point: Sequence[float]) -> str:
        return f"{point[0] + dx:.2f},{top - point[1]:.2f}"

    def path(points: Sequence[Sequence[float]], closed: bool) -> str:
        return "M" + " L".join(at(p) for p in points) + (" Z" if closed else "")

    min_x, min_y, max_x, _ = piece.bounds
    out = [f'<g class="piece" data-piece="{escape(piece.name)}">']
    cut = path(piece.boundary, True)
    out.append(f'<path d="{cut}" fill="#eef3fa" stroke="#1b2733" stroke-width="0.35"/>')
    if piece.sew_line:
        out.append(
            f'<path d="{path(piece.sew_line, True)}" fill="none" stroke="#7a8794" stroke-width="0.2" '
            'stroke-dasharray="1 0.8"/>'
        )
    for line in piece.internal_lines:
        out.append(f'<path d="{path(line, False)}" fill="none" stroke="#7a8794" stroke-width="0.25"/>')
    if piece.grain_line:
        (x1, y1), (x2, y2) = piece.grain_line
        out.append(
            f'<line class="grain" x1="{x1 + dx:.2f}" y1="{top - y1:.2f}" '
            f'x2="{x2 + dx:.2f}" y2="{top - y2:.2f}" stroke="#1d4f91" stroke-width="0.4" '
            'marker-start="url(#grainhead)" marker-end="url(#grainhead)"/>'
        )
    for nx, ny in piece.notches:
        out.append(f'<circle cx="{nx + dx:.2f}" cy="{top - ny:.2f}" r="0.5" fill="#c2410c"/>')
    for hx, hy in piece.drill_holes:
        out.append(
            f'<circle cx="{hx + dx:.2f}" cy="{top - hy:.2f}" r="0.7" fill="none" stroke="#c2410c" '
            'stroke-width="0.3"/>'
        )
    pair = " (L/R pair)" if piece.mirrored_pair else ""
    label = f"{piece.name} × {piece.quantity}{pair}"
    out.append(
        f'<text x="{(min_x + max_x) / 2 + dx:.2f}" y="{top - min_y + 4.5:.2f}" text-anchor="middle">'
        f"{escape(label)}</text>"
    )
    out.append("</g>")
    return "".join(out)
