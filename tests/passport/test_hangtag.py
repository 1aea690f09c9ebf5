"""Hangtag sheets: the SVG parses, each QR code carries its garment's URL, the PDF paginates."""

import math
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from decimal import Decimal

import pytest
import segno

from seamline.passport.hangtag import (
    MADE_IN,
    QR_BORDER_MODULES,
    SCAN_PROMPT,
    TAG_HEIGHT_MM,
    Hangtag,
    hangtag_sheet_pdf,
    hangtag_sheet_svg,
    layout_tag,
    tags_per_page,
)

SVG = "{http://www.w3.org/2000/svg}"
CARE = ("Wash 30°C, inside out", "Do not bleach", "Do not tumble dry", "Iron medium", "Dry clean P")


def make_tag(i: int, **changes) -> Hangtag:
    serial = f"PO-00003-{i:04d}"
    tag = Hangtag(
        passport_url=f"https://seamline.example/p/{serial}",
        serial=serial,
        style_name="Trucker jacket",
        size=("S", "M", "L", "XL")[i % 4],
        colour="Indigo rinse",
        composition=f"100% cotton (13.5 oz Japanese selvedge denim, lot {i})",
        care=CARE,
        co2e_kg=Decimal("23.44") + i,
        offshore_co2e_kg=Decimal("26.2") + i,
        km=Decimal("41.27"),
        brand="Atwater Supply",
    )
    return replace(tag, **changes)


def tag_groups(svg: str) -> list[ET.Element]:
    root = ET.fromstring(svg)
    return [g for g in root.iter(f"{SVG}g") if g.get("class") == "hangtag"]


def tag_text(group: ET.Element) -> str:
    # wrapped lines come back joined by single spaces, as the wrap split them
    return " ".join(t.text or "" for t in group.iter(f"{SVG}text"))


def dark_modules_from_path(d: str) -> set[tuple[int, int]]:
    """Read segno's path back: M/m moves, h draws a horizontal run of width-1 stroke at row y - 0.5."""
    dark: set[tuple[int, int]] = set()
    x = y = 0.0
    for op, a, b in re.findall(r"([MmHh])\s*(-?[\d.]+)(?:[ ,](-?[\d.]+))?", d):
        if op == "M":
            x, y = float(a), float(b)
        elif op == "m":
            x, y = x + float(a), y + float(b)
        else:
            end = float(a) if op == "H" else x + float(a)
            row = math.floor(y)
            dark |= {(row, col) for col in range(round(x), round(end))}
            x = end
    return dark


def expected_dark_modules(url: str) -> set[tuple[int, int]]:
    # an independent decode is not available (no zbar here): re-derive the symbol for the URL the tag
    # should carry at the documented settings and compare module for module, quiet zone included
    code = segno.make(url, error="q", boost_error=False, micro=False)
    return {
        (r + QR_BORDER_MODULES, c + QR_BORDER_MODULES)
        for r, row in enumerate(code.matrix)
        for c, bit in enumerate(row)
        if bit
    }


@pytest.mark.parametrize("count", [1, 40])
def test_svg_has_one_qr_per_garment_encoding_its_passport_url(count):
    tags = [make_tag(i) for i in range(1, count + 1)]
    groups = tag_groups(hangtag_sheet_svg(tags, title="PO-00003"))
    assert [g.get("data-serial") for g in groups] == [t.serial for t in tags]
    for group, tag in zip(groups, tags, strict=True):
        qrs = [g for g in group.iter(f"{SVG}g") if g.get("class") == "qr"]
        assert len(qrs) == 1
        (path,) = qrs[0].iter(f"{SVG}path")
        drawn = dark_modules_from_path(path.get("d"))
        assert drawn == expected_dark_modules(tag.passport_url)
        # the quiet zone: 4 blank modules on every side, inside the white square behind the code
        (quiet,) = qrs[0].iter(f"{SVG}rect")
        side = int(quiet.get("width"))
        assert min(r for r, _ in drawn) == min(c for _, c in drawn) == QR_BORDER_MODULES
        assert max(r for r, _ in drawn) == max(c for _, c in drawn) == side - QR_BORDER_MODULES - 1


def test_qr_codes_differ_between_garments():
    groups = tag_groups(hangtag_sheet_svg([make_tag(1), make_tag(2)]))
    paths = [next(g.iter(f"{SVG}path")).get("d") for g in groups]
    assert paths[0] != paths[1]


@pytest.mark.parametrize("count", [1, 40])
def test_every_svg_tag_carries_its_own_facts(count):
    tags = [make_tag(i) for i in range(1, count + 1)]
    for group, tag in zip(tag_groups(hangtag_sheet_svg(tags)), tags, strict=True):
        text = tag_text(group)
        assert tag.serial in text
        assert tag.composition in text
        assert all(line in text for line in tag.care)
        assert MADE_IN in text and SCAN_PROMPT in text and tag.brand in text
        assert f"{tag.size} · {tag.colour}" in text
        assert f"{(tag.co2e_kg).quantize(Decimal('0.1'))} kg CO2e" in text
        assert f"vs {tag.offshore_co2e_kg} kg made in Dhaka" in text
        assert "41.3 km traveled" in text


def test_no_offshore_baseline_no_comparison():
    text = tag_text(tag_groups(hangtag_sheet_svg([make_tag(1, offshore_co2e_kg=None)]))[0])
    assert "24.4 kg CO2e" in text and "Dhaka" not in text


def test_text_is_escaped():
    nasty = make_tag(
        1,
        brand='Atwater & Sons <b>"quoted"</b>',
        serial='PO-1"><script>x</script>',
        care=("Wash < 30°C & cold",),
    )
    svg = hangtag_sheet_svg([nasty], title="A & B <c>")
    assert "<script>" not in svg and "<b>" not in svg
    (group,) = tag_groups(svg)  # parses: nothing leaked into the markup
    assert group.get("data-serial") == nasty.serial
    text = tag_text(group)
    assert nasty.brand in text and "Wash < 30°C & cold" in text


def test_sheet_is_real_size_grid_with_crop_marks():
    root = ET.fromstring(hangtag_sheet_svg([make_tag(i) for i in range(7)], columns=3))
    assert root.get("width").endswith("mm")
    edges = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "tag-edge"]
    assert {(float(r.get("width")), float(r.get("height"))) for r in edges} == {(50.0, 85.0)}
    offsets = {g.get("transform") for g in tag_groups(ET.tostring(root, encoding="unicode"))}
    assert len(offsets) == 7  # no two tags on top of each other
    marks = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "crop-marks")
    # 3 columns -> 4 vertical cut lines, 3 rows -> 4 horizontal ones, marked at both ends
    assert len(list(marks.iter(f"{SVG}line"))) == 2 * 4 + 2 * 4


def test_long_care_list_shrinks_type_or_refuses_but_never_overflows():
    many = make_tag(1, care=tuple(f"Care line number {i}" for i in range(9)))
    layout = layout_tag(many)
    assert max(t.y_mm for t in layout.texts) < TAG_HEIGHT_MM
    with pytest.raises(ValueError, match="does not fit"):
        layout_tag(make_tag(1, care=tuple(f"Care line number {i}" for i in range(40))))


def test_bad_arguments():
    with pytest.raises(ValueError):
        hangtag_sheet_svg([])
    with pytest.raises(ValueError):
        hangtag_sheet_svg([make_tag(1)], columns=0)
    with pytest.raises(ValueError, match="page size"):
        hangtag_sheet_pdf([make_tag(1)], page="tabloid")


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b(?!s)", pdf))


@pytest.mark.parametrize("page", ["letter", "a4"])
@pytest.mark.parametrize("count", [1, 40])
def test_pdf_paginates_and_carries_the_serials(count, page):
    tags = [make_tag(i) for i in range(1, count + 1)]
    pdf = hangtag_sheet_pdf(tags, title="PO-00003", page=page, compress=False)
    assert pdf.startswith(b"%PDF")
    assert pdf_pages(pdf) == math.ceil(count / tags_per_page(page))
    for tag in tags:
        assert f"({tag.serial}) Tj".encode() in pdf
    assert pdf.count(f"({MADE_IN}) Tj".encode()) == count


def test_pdf_page_size_and_compression():
    assert tags_per_page("letter") == tags_per_page("a4") == 9
    tags = [make_tag(i) for i in range(1, 11)]
    letter = hangtag_sheet_pdf(tags)
    assert b"/MediaBox [ 0 0 612 792 ]" in letter
    assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in hangtag_sheet_pdf(tags, page="a4")
    assert len(letter) < len(hangtag_sheet_pdf(tags, compress=False))
    assert hangtag_sheet_pdf(tags) == letter  # reproducible bytes for the same order


def dark_modules_from_pdf(pdf: bytes) -> set[tuple[int, int]]:
    """Read the filled rectangles back from an uncompressed one-tag page: one run of dark modules each."""
    runs = [tuple(map(float, m)) for m in re.findall(rb"([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) re f\*?", pdf)]
    module = min(h for _, _, _, h in runs)
    left = min(x for x, _, _, _ in runs)
    top = max(y + h for _, y, _, h in runs)
    dark = set()
    for x, y, w, h in runs:
        assert math.isclose(h, module, rel_tol=1e-3)
        row, col = round((top - y - h) / module), round((x - left) / module)
        dark |= {(row, col + i) for i in range(round(w / module))}
    return dark


@pytest.mark.parametrize("i", [1, 2, 999])
def test_pdf_qr_is_the_passport_url_module_for_module(i):
    tag = make_tag(i)
    pdf = hangtag_sheet_pdf([tag], compress=False)
    # the PDF has no quiet-zone drawing (white paper): align on the finder patterns at (0, 0)
    expected = {
        (r - QR_BORDER_MODULES, c - QR_BORDER_MODULES) for r, c in expected_dark_modules(tag.passport_url)
    }
    assert dark_modules_from_pdf(pdf) == expected
    assert dark_modules_from_pdf(pdf) != {
        (r - QR_BORDER_MODULES, c - QR_BORDER_MODULES)
        for r, c in expected_dark_modules(tag.passport_url + "x")
    }


def test_no_text_inside_the_qr_square():
    layout = layout_tag(make_tag(1))
    top, bottom = layout.qr.y_mm, layout.qr.y_mm + layout.qr.modules * layout.qr.module_mm
    for t in layout.texts:
        size_mm = t.size_pt * 25.4 / 72
        glyph_top, glyph_bottom = t.y_mm - 0.75 * size_mm, t.y_mm + 0.25 * size_mm  # Helvetica ascent/descent
        assert glyph_bottom <= top or glyph_top >= bottom, t.text
