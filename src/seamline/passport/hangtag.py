"""Printable hangtag sheets: one 5 x 8.5 cm tag per garment with a QR code to its passport.

Pure module (no Django): plain :class:`Hangtag` data in, SVG text or PDF bytes out. Both renderers
draw the same layout, computed once in millimetres with Helvetica's metrics (from reportlab, pure
Python), so the SVG preview and the printed PDF wrap text at the same words.

- The **SVG** is one sheet at real size (``mm`` units): a grid of ``columns`` tags, as many rows as
  needed, crop marks outside the grid. It is meant for screen preview and for cutting plotters, which
  take one long sheet; paper printing goes through the PDF.
- The **PDF** is paginated for office printers (Letter or A4): 3 x 3 tags per page at real size,
  edge to edge so one guillotine cut serves two tags, crop marks in the margin, title and page
  number along the left edge.

QR codes are made by segno at error correction Q (a hangtag gets creased and rubbed; Q still reads
with a quarter of the code damaged) with the standard quiet zone of 4 modules. The SVG embeds segno's
own path; the PDF draws segno's module matrix as filled rectangles.

>>> tag = Hangtag("https://seamline.example/p/PO-00003-0001", "PO-00003-0001", "Trucker jacket", "M",
...               "Indigo", "100% cotton", ("Wash 30°C",), Decimal("23.4"), Decimal("26.2"),
...               Decimal("12.5"), "Atwater")
>>> footprint_lines(tag)
('23.4 kg CO2e', 'vs 26.2 kg made in Dhaka', '12.5 km traveled')
>>> from dataclasses import replace
>>> footprint_lines(replace(tag, co2e_kg=None))  # a footprint resting on an unsourced factor
('Footprint: not yet verifiable', '12.5 km traveled')
>>> hangtag_sheet_pdf([tag]).startswith(b"%PDF")
True
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from xml.sax.saxutils import escape, quoteattr

import segno
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

TAG_WIDTH_MM = 50.0
TAG_HEIGHT_MM = 85.0
PADDING_MM = 3.5
QR_SIDE_MM = 26.0  # quiet zone included: about 0.63 mm a module for a version-4 code, easy for a phone
QR_ERROR = "q"
QR_BORDER_MODULES = 4  # the quiet zone ISO/IEC 18004 asks for
CROP_OFFSET_MM = 1.5  # crop marks start this far from the tag edge, so no mark shows on a cut tag
CROP_LENGTH_MM = 4.0
SHEET_MARGIN_MM = 12.0  # room for the crop marks plus a printer's unprintable border
PT_MM = 25.4 / 72  # one typographic point in millimetres
MADE_IN = "Made in Los Angeles"
SCAN_PROMPT = "Scan for this garment's passport"
OFFSHORE_PLACE = "Dhaka"  # the footprint engine's offshore baseline (footprint.baseline)
PAGES_MM = {"letter": (LETTER[0] / mm, LETTER[1] / mm), "a4": (A4[0] / mm, A4[1] / mm)}
FONT_SCALES = (1.0, 0.92, 0.85, 0.78, 0.72)  # tried in turn when a tag's text does not fit
ONE_PLACE = Decimal("0.1")
# Printed instead of the kg when the footprint uses a factor with no citable published value.
FOOTPRINT_UNVERIFIABLE = "Footprint: not yet verifiable"


@dataclass(frozen=True)
class Hangtag:
    """What one garment's hangtag says."""

    passport_url: str  # what the QR encodes, e.g. https://seamline.example/p/PO-00003-0001
    serial: str  # "PO-00003-0001"
    style_name: str
    size: str
    colour: str
    composition: str  # "100% cotton (13.5 oz Japanese selvedge denim)"
    care: tuple[str, ...]  # ISO 3758 symbols as words: "Wash 30°C", "Do not bleach", ...
    co2e_kg: Decimal | None  # per garment, to the customer; None: not printable (an unsourced factor)
    offshore_co2e_kg: Decimal | None  # the offshore baseline, for "vs 26.2 kg made in Dhaka"
    km: Decimal  # km traveled along the chain
    brand: str


@dataclass(frozen=True)
class Text:
    """One line of text; ``x_mm``/``y_mm`` is the baseline start (or middle), from the tag's top left."""

    x_mm: float
    y_mm: float
    text: str
    size_pt: float
    bold: bool = False
    centered: bool = False
    role: str = ""

    @property
    def font(self) -> str:
        return "Helvetica-Bold" if self.bold else "Helvetica"


@dataclass(frozen=True)
class QrPlacement:
    """A QR code's square (quiet zone included) on the tag."""

    x_mm: float
    y_mm: float
    module_mm: float
    code: segno.QRCode

    @property
    def modules(self) -> int:  # side in modules, quiet zone included
        return self.code.symbol_size(border=QR_BORDER_MODULES)[0]


@dataclass(frozen=True)
class TagLayout:
    tag: Hangtag
    texts: tuple[Text, ...]
    qr: QrPlacement


def _fmt(value: Decimal) -> str:
    return str(value.quantize(ONE_PLACE, rounding=ROUND_HALF_UP))


def footprint_lines(tag: Hangtag) -> tuple[str, ...]:
    """The footprint figure as printed: CO2e, the offshore comparison when known, km traveled.

    Without a printable CO2e figure neither kg figure is printed, only FOOTPRINT_UNVERIFIABLE.
    """
    if tag.co2e_kg is None:
        return (FOOTPRINT_UNVERIFIABLE, f"{_fmt(tag.km)} km traveled")
    lines = [f"{_fmt(tag.co2e_kg)} kg CO2e"]
    if tag.offshore_co2e_kg is not None:
        lines.append(f"vs {_fmt(tag.offshore_co2e_kg)} kg made in {OFFSHORE_PLACE}")
    lines.append(f"{_fmt(tag.km)} km traveled")
    return tuple(lines)


def qr_code(url: str) -> segno.QRCode:
    """The hangtag's QR code: level Q pinned (no boost), never a Micro QR (phones don't read those)."""
    return segno.make(url, error=QR_ERROR, boost_error=False, micro=False)


def _width_mm(text: str, font: str, size_pt: float) -> float:
    return stringWidth(text, font, size_pt) * PT_MM


def wrap(text: str, width_mm: float, font: str, size_pt: float) -> list[str]:
    """Greedy word wrap by the font's real widths; a word wider than the line is split by characters."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if _width_mm(candidate, font, size_pt) <= width_mm:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = ""
        for char in word:  # only when the word alone does not fit
            if current and _width_mm(current + char, font, size_pt) > width_mm:
                lines.append(current)
                current = ""
            current += char
    if current:
        lines.append(current)
    return lines or [""]


def _layout(tag: Hangtag, scale: float) -> tuple[tuple[Text, ...], QrPlacement, float]:
    inner_mm = TAG_WIDTH_MM - 2 * PADDING_MM
    middle_mm = TAG_WIDTH_MM / 2
    texts: list[Text] = []
    y_mm = PADDING_MM

    def add(text: str, size_pt: float, *, bold: bool = False, centered: bool = False, role: str = "") -> None:
        nonlocal y_mm
        size_pt *= scale
        font = "Helvetica-Bold" if bold else "Helvetica"
        for line in wrap(text, inner_mm, font, size_pt):
            y_mm += size_pt * PT_MM * 1.2  # leading 120%: the baseline of this line
            x_mm = middle_mm if centered else PADDING_MM
            texts.append(Text(x_mm, y_mm, line, size_pt, bold, centered, role))

    add(tag.brand, 9, bold=True, centered=True, role="brand")
    add(tag.style_name, 7.5, centered=True, role="style")
    add(f"{tag.size} · {tag.colour}", 7, centered=True, role="size-colour")
    y_mm += 1.0
    code = qr_code(tag.passport_url)
    side_mm = QR_SIDE_MM * max(scale, 0.85)
    modules = code.symbol_size(border=QR_BORDER_MODULES)[0]
    qr = QrPlacement(middle_mm - side_mm / 2, y_mm, side_mm / modules, code)
    y_mm += side_mm - 0.5  # the prompt's leading starts in the white quiet zone, its glyphs below it
    add(SCAN_PROMPT, 6, centered=True, role="scan")
    add(tag.serial, 7, bold=True, centered=True, role="serial")
    y_mm += 1.0
    add(tag.composition, 6.5, role="composition")
    for line in tag.care:
        add(line, 6, role="care")
    y_mm += 1.0
    add(MADE_IN, 8, bold=True, centered=True, role="made-in")
    figure, *rest = footprint_lines(tag)
    add(figure, 8, bold=True, centered=True, role="co2e")
    for line in rest:
        add(line, 6, centered=True, role="footprint")
    return tuple(texts), qr, y_mm + PADDING_MM


def layout_tag(tag: Hangtag) -> TagLayout:
    """Lay one tag out in mm; shrink the type step by step rather than cut off care text."""
    for scale in FONT_SCALES:
        texts, qr, bottom_mm = _layout(tag, scale)
        if bottom_mm <= TAG_HEIGHT_MM:
            return TagLayout(tag, texts, qr)
    size = f"{TAG_WIDTH_MM:g} x {TAG_HEIGHT_MM:g} mm"
    raise ValueError(f"hangtag {tag.serial}: the text does not fit on a {size} tag")


def _crop_marks(
    x0_mm: float, y0_mm: float, columns: int, rows: int
) -> list[tuple[float, float, float, float]]:
    """Crop marks outside a grid of tags laid edge to edge: one per cut line at each end."""
    right_mm = x0_mm + columns * TAG_WIDTH_MM
    bottom_mm = y0_mm + rows * TAG_HEIGHT_MM
    near, far = CROP_OFFSET_MM, CROP_OFFSET_MM + CROP_LENGTH_MM
    marks = []
    for i in range(columns + 1):
        x = x0_mm + i * TAG_WIDTH_MM
        marks += [(x, y0_mm - far, x, y0_mm - near), (x, bottom_mm + near, x, bottom_mm + far)]
    for j in range(rows + 1):
        y = y0_mm + j * TAG_HEIGHT_MM
        marks += [(x0_mm - far, y, x0_mm - near, y), (right_mm + near, y, right_mm + far, y)]
    return marks


def _check(tags: Sequence[Hangtag]) -> None:
    if not tags:
        raise ValueError("a hangtag sheet needs at least one tag")


# --- SVG --------------------------------------------------------------------------------------------

_SEGNO_PATH = re.compile(r'<path[^>]*\sd="([^"]+)"')


def qr_svg_path(code: segno.QRCode) -> str:
    """segno's SVG path data for the code, quiet zone of 4 modules, one unit a module."""
    svg = code.svg_inline(border=QR_BORDER_MODULES, scale=1, dark="#000", light=None)
    match = _SEGNO_PATH.search(svg)
    if match is None:  # segno changed its SVG output: fail loudly, never print a tag without its QR
        raise RuntimeError("no path in segno's SVG output")
    return match.group(1)


def _svg_tag(layout: TagLayout, x_mm: float, y_mm: float) -> list[str]:
    tag, qr = layout.tag, layout.qr
    at = f'transform="translate({x_mm:.3f} {y_mm:.3f})"'
    out = [f'<g class="hangtag" data-serial={quoteattr(tag.serial)} {at}>']
    out.append(f'<rect class="tag-edge" width="{TAG_WIDTH_MM:g}" height="{TAG_HEIGHT_MM:g}" fill="#fff"/>')
    out.append(
        f'<g class="qr" data-url={quoteattr(tag.passport_url)} '
        f'transform="translate({qr.x_mm:.3f} {qr.y_mm:.3f}) scale({qr.module_mm:.5f})">'
        f'<rect class="quiet-zone" width="{qr.modules}" height="{qr.modules}" fill="#fff"/>'
        f'<path class="modules" stroke="#000" stroke-width="1" fill="none" d="{qr_svg_path(qr.code)}"/></g>'
    )
    for t in layout.texts:
        size_mm = t.size_pt * PT_MM
        attrs = f'x="{t.x_mm:.3f}" y="{t.y_mm:.3f}" font-size="{size_mm:.3f}"'
        if t.bold:
            attrs += ' font-weight="bold"'
        if t.centered:
            attrs += ' text-anchor="middle"'
        out.append(f'<text class="{t.role}" {attrs}>{escape(t.text)}</text>')
    out.append("</g>")
    return out


def hangtag_sheet_svg(tags: Sequence[Hangtag], *, title: str = "", columns: int = 3) -> str:
    """One SVG sheet at real size (mm): ``columns`` tags a row, rows as needed, crop marks around.

    Each tag is a ``<g class="hangtag" data-serial=...>``; its QR code a ``<g class="qr" data-url=...>``
    holding segno's path. The title, when given, is printed above the grid.
    """
    _check(tags)
    if columns < 1:
        raise ValueError("columns must be at least 1")
    layouts = [layout_tag(tag) for tag in tags]
    rows = math.ceil(len(tags) / columns)
    top_mm = SHEET_MARGIN_MM + (6.0 if title else 0.0)
    width_mm = 2 * SHEET_MARGIN_MM + columns * TAG_WIDTH_MM
    height_mm = top_mm + rows * TAG_HEIGHT_MM + SHEET_MARGIN_MM
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width_mm:g}mm" height="{height_mm:g}mm" '
        f'viewBox="0 0 {width_mm:g} {height_mm:g}" class="hangtags" '
        'font-family="Helvetica, Arial, sans-serif">'
    ]
    if title:
        out.append(f"<title>{escape(title)}</title>")
        title_at = f'x="{SHEET_MARGIN_MM:g}" y="7" font-size="3.5"'
        out.append(f'<text class="sheet-title" {title_at}>{escape(title)}</text>')
    for index, layout in enumerate(layouts):
        row, column = divmod(index, columns)
        out += _svg_tag(layout, SHEET_MARGIN_MM + column * TAG_WIDTH_MM, top_mm + row * TAG_HEIGHT_MM)
    out.append('<g class="crop-marks" stroke="#000" stroke-width="0.2">')
    for x1, y1, x2, y2 in _crop_marks(SHEET_MARGIN_MM, top_mm, columns, rows):
        out.append(f'<line x1="{x1:.3f}" y1="{y1:.3f}" x2="{x2:.3f}" y2="{y2:.3f}"/>')
    out += ["</g>", "</svg>"]
    return "\n".join(out) + "\n"


# --- PDF --------------------------------------------------------------------------------------------


def page_grid(page: str) -> tuple[int, int]:
    """(columns, rows) of tags on a page of this size: 3 x 3 on both Letter and A4."""
    try:
        width_mm, height_mm = PAGES_MM[page.lower()]
    except KeyError:
        raise ValueError(f"unknown page size {page!r}; use one of {sorted(PAGES_MM)}") from None
    columns = int((width_mm - 2 * SHEET_MARGIN_MM) // TAG_WIDTH_MM)
    rows = int((height_mm - 2 * SHEET_MARGIN_MM) // TAG_HEIGHT_MM)
    return columns, rows


def tags_per_page(page: str = "letter") -> int:
    columns, rows = page_grid(page)
    return columns * rows


def _pdf_tag(canvas: Canvas, layout: TagLayout, x_mm: float, top_mm: float, page_h_mm: float) -> None:
    def px(x: float) -> float:  # tag mm -> page points, PDF's y axis points up
        return (x_mm + x) * mm

    def py(y: float) -> float:
        return (page_h_mm - top_mm - y) * mm

    qr = layout.qr
    canvas.setFillGray(0)
    for r, row in enumerate(qr.code.matrix):  # the matrix has no quiet zone: offset by the border
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            # one rectangle per horizontal run of dark modules: fewer operators, no hairline seams
            x = qr.x_mm + (QR_BORDER_MODULES + start) * qr.module_mm
            y = qr.y_mm + (QR_BORDER_MODULES + r + 1) * qr.module_mm
            canvas.rect(px(x), py(y), (c - start) * qr.module_mm * mm, qr.module_mm * mm, stroke=0, fill=1)
    for t in layout.texts:
        canvas.setFont(t.font, t.size_pt)
        if t.centered:
            canvas.drawCentredString(px(t.x_mm), py(t.y_mm), t.text)
        else:
            canvas.drawString(px(t.x_mm), py(t.y_mm), t.text)


def hangtag_sheet_pdf(
    tags: Sequence[Hangtag], *, title: str = "", page: str = "letter", compress: bool = True
) -> bytes:
    """A printable PDF: tags at real size, 3 x 3 a page (Letter or A4), crop marks, paginated.

    ``compress=False`` leaves the page streams readable (tests search them for the serials). Output is
    byte-for-byte reproducible (reportlab's invariant mode): the same order prints the same file.
    """
    _check(tags)
    columns, rows = page_grid(page)
    per_page = columns * rows
    width_mm, height_mm = PAGES_MM[page.lower()]
    layouts = [layout_tag(tag) for tag in tags]
    pages = math.ceil(len(layouts) / per_page)
    x0_mm = (width_mm - columns * TAG_WIDTH_MM) / 2
    buffer = io.BytesIO()
    canvas = Canvas(
        buffer, pagesize=(width_mm * mm, height_mm * mm), pageCompression=1 if compress else 0, invariant=1
    )
    canvas.setTitle(title or "Hangtags")
    canvas.setCreator("Seamline")
    for number in range(pages):
        chunk = layouts[number * per_page : (number + 1) * per_page]
        used_rows = math.ceil(len(chunk) / columns)
        y0_mm = (height_mm - rows * TAG_HEIGHT_MM) / 2  # grid stays put on a short last page
        for index, layout in enumerate(chunk):
            row, column = divmod(index, columns)
            _pdf_tag(canvas, layout, x0_mm + column * TAG_WIDTH_MM, y0_mm + row * TAG_HEIGHT_MM, height_mm)
        canvas.setLineWidth(0.25)
        canvas.setStrokeGray(0)
        for x1, y1, x2, y2 in _crop_marks(x0_mm, y0_mm, columns, used_rows):
            canvas.line(x1 * mm, (height_mm - y1) * mm, x2 * mm, (height_mm - y2) * mm)
        # title and page number along the left edge: the top and bottom margins hold the crop marks
        canvas.saveState()
        canvas.translate((x0_mm - 9) * mm, (height_mm - y0_mm - rows * TAG_HEIGHT_MM) * mm)
        canvas.rotate(90)
        canvas.setFont("Helvetica", 7)
        label = f"{title} · page {number + 1} of {pages}" if title else f"page {number + 1} of {pages}"
        canvas.drawString(0, 0, label)
        canvas.restoreState()
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
