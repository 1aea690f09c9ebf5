"""Issue #11 (item 10): once a marker exists, fabric is what the markers take, not what the BOM guessed.

The BOM said 1.7–2.1 m of shell a jacket (PO-00001 "needs 132.70 m") while its cut plan took 2.9 m a garment
(203.98 m), and the drop's cash flow priced fabric from the BOM. The arithmetic (cutting.consumption) is
pure and checked to the millimetre and the cent; the readers (cutting.selectors) feed it; the order page and
the drop's cash flow say where the figure comes from and when the BOM disagrees.
"""

from __future__ import annotations

import doctest
from datetime import timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from seamline.cutting import consumption
from seamline.cutting.consumption import fabric_for, fabric_note, fabric_source, meters_per_garment
from seamline.cutting.models import CutPlan
from seamline.cutting.runs import cut_plan_run
from seamline.cutting.selectors import marker_fabric_of_style, order_material_needs, pattern_of
from seamline.cutting.services import cut_plan_request
from seamline.drops.preorders import Customer, preorder_place
from seamline.drops.services import drop_create, drop_open
from seamline.production.selectors import order_get

from .conftest import FAST

MM = Decimal("0.001")
# The jacket of tests/cutting/conftest.py: two bodies (40 cm × 30, 32, 34 wide) and two 10 × 12 pockets.
AREA_CM2 = {"S": 2640, "M": 2800, "L": 2960}
EXACT = {**FAST, "overcut_max": 0}  # the plan cuts exactly the order: its markers' meters are the order's


# The arithmetic.


def test_the_pure_examples_hold():
    results = doctest.testmod(consumption)
    assert results.attempted > 0 and results.failed == 0


def test_po_00001s_bom_figure_to_the_millimetre():
    bom = dict(
        zip(
            ["XS", "S", "M", "L", "XL", "XXL"],
            ["1.700", "1.780", "1.850", "1.930", "2.020", "2.120"],
            strict=True,
        )
    )
    units = dict(zip(bom, [6, 12, 18, 16, 12, 6], strict=True))
    assert fabric_for({s: Decimal(v) for s, v in bom.items()}, units) == Decimal("132.700")


def test_the_markers_are_spread_by_piece_area_and_keep_every_millimetre():
    per = meters_per_garment(fabric_m=Decimal("8.123"), produced={"S": 3, "M": 2}, area_cm2=AREA_CM2)
    # 8.123 m over 3 × 2640 + 2 × 2800 = 13,520 cm² of pieces: 0.000600813… m a cm².
    assert per["S"].quantize(MM) == Decimal("1.586")  # 8.123 × 2640 / 13520 = 1.58609…
    assert per["M"].quantize(MM) == Decimal("1.682")  # 8.123 × 2800 / 13520 = 1.68225…
    assert per["L"].quantize(MM) == Decimal("1.778")  # not cut by the plan: 8.123 × 2960 / 13520 = 1.77841…
    assert fabric_for(per, {"S": 3, "M": 2}) == Decimal("8.123")  # rounded once: not 3 × 1.586 + 2 × 1.682
    assert fabric_for(per, {"S": 10, "L": 5}) == Decimal("24.754")  # 8.123 × 41200 / 13520 = 24.7535…


@given(
    fabric_mm=st.integers(1, 10_000_000),
    produced=st.dictionaries(st.sampled_from(["S", "M", "L"]), st.integers(1, 500), min_size=1),
    areas=st.tuples(*[st.floats(100, 40_000, allow_nan=False) for _ in range(3)]),
)
def test_property_the_garments_a_plan_cut_take_exactly_its_meters(fabric_mm, produced, areas):
    fabric_m = Decimal(fabric_mm) / 1000
    per = meters_per_garment(
        fabric_m=fabric_m, produced=produced, area_cm2=dict(zip("SML", areas, strict=True))
    )
    assert fabric_for(per, produced) == fabric_m


def test_the_bom_and_the_markers_disagreeing_is_said_with_the_numbers():
    assert fabric_note(bom_m=Decimal("132.700"), marker_m=Decimal("203.980")) == (
        "the BOM says 132.70 m; the markers take 203.98 m, 54% more — update the BOM"
    )
    assert fabric_note(bom_m=Decimal("8.700"), marker_m=Decimal("6.525")) == (
        "the BOM says 8.70 m; the markers take 6.53 m, 25% less — update the BOM"
    )
    assert fabric_note(bom_m=Decimal("1000"), marker_m=Decimal("1050")) == ""  # within 5%: agreed
    assert fabric_note(bom_m=Decimal("1000"), marker_m=Decimal("1051")).endswith("5% more — update the BOM")
    assert fabric_note(bom_m=Decimal("0"), marker_m=Decimal("2")) == (
        "the BOM says 0.00 m; the markers take 2.00 m — update the BOM"
    )


def test_the_source_of_a_figure_reads_plainly():
    assert fabric_source([7]) == "from cut plan 7's markers"
    assert fabric_source([7, 7]) == "from cut plan 7's markers"
    assert fabric_source([]) == "from the BOM, no marker yet"
    assert fabric_source([7, 9, 12]) == "from cut plans 7, 9 and 12's markers"


# The order page.


def _needs_page(client, order) -> str:
    return client.get(reverse("production:order_detail", args=[order.pk])).content.decode()


def test_the_order_needs_what_its_markers_take_and_says_so(shop, brand, factory, django_assert_num_queries):
    order = shop["order"]  # S 3, M 2; the BOM says 1.7 and 1.8 m a jacket
    page = _needs_page(brand.client(), order)
    assert "<strong>8.70 m</strong>" in page  # 3 × 1.7 + 2 × 1.8
    assert 'data-testid="need-source">— from the BOM, no marker yet<' in page
    assert 'data-testid="need-note"' not in page

    plan = cut_plan_run(cut_plan_request(order=order, organization=factory.org, **EXACT).pk)
    assert plan.status == CutPlan.Status.DONE, plan.error
    assert plan.produced == {"S": 3, "M": 2}
    loaded = order_get(organization=brand.org, pk=order.pk)
    bom_lines = list(shop["style"].bom_lines.select_related("material"))
    with django_assert_num_queries(2):  # the order's finished plans, their pattern areas
        (need,) = order_material_needs(order=loaded, bom_lines=bom_lines)
    # The plan cut exactly the order: the order needs exactly its markers' meters.
    assert (need.amount, need.unit, need.bom_amount) == (plan.fabric_m, "m", Decimal("8.700"))
    assert need.source == f"from cut plan {plan.pk}'s markers"
    assert need.note == fabric_note(bom_m=Decimal("8.700"), marker_m=plan.fabric_m)
    off = (abs(plan.fabric_m - Decimal("8.7")) * 100 / Decimal("8.7")).quantize(Decimal(1))
    more = "more" if plan.fabric_m > Decimal("8.7") else "less"
    assert need.note == (
        f"the BOM says 8.70 m; the markers take {plan.fabric_m.quantize(Decimal('0.01'))} m, {off}% {more}"
        " — update the BOM"
    )

    page = _needs_page(factory.client(), order)
    assert f"<strong>{plan.fabric_m.quantize(Decimal('0.01'))} m</strong>" in page
    assert f"— from cut plan {plan.pk}&#x27;s markers<" in page
    assert f"The BOM says 8.70 m; the markers take {plan.fabric_m.quantize(Decimal('0.01'))} m" in page

    # A re-plan still running changes nothing: the figure stays the newest finished plan's.
    cut_plan_request(order=order, organization=factory.org, enqueue=False, **EXACT)
    (again,) = order_material_needs(order=loaded, bom_lines=bom_lines)
    assert (again.amount, again.source) == (plan.fabric_m, need.source)


# The drop's cash flow, before its own order exists: the style's newest finished plan.


def _drop_of(style, brand, factory):
    now = timezone.now()
    drop = drop_create(
        brand=brand.org,
        factory=factory.org,
        style=style,
        title="Shop drop",
        prices={v.sku: "100.00" for v in style.variants.all()},
        run_cap=20,
        threshold_units=15,
        per_customer_limit=5,
        overcut_pct="10",
        opens_at=now - timedelta(minutes=5),
        closes_at=now + timedelta(days=1),
    )
    return drop_open(drop=drop)


def test_the_drops_cash_flow_prices_fabric_from_the_styles_markers(shop, brand, factory):
    style = shop["style"]
    drop = _drop_of(style, brand, factory)
    skus = {v.size: v.sku for v in style.variants.all()}
    customer = Customer(
        name="Ana", email="ana@example.com", street="1 Sunset Blvd", city="", zip_code="90026"
    )
    preorder_place(drop=drop, customer=customer, basket={skus["M"]: 2, skus["L"]: 2}, idempotency_key="k1")
    url = reverse("drops_founder:drop_cashflow", args=[drop.slug])
    # No plan of the style yet: the BOM. 4 sold + 1 overcut (to M, sold first) = M 3, L 2: 5.4 + 3.8 = 9.2 m.
    before = brand.client().get(url).context["flow"]
    assert before.cut_by_size == {"M": 3, "L": 2}
    (fabric,) = before.materials
    assert (fabric.quantity, fabric.amount, fabric.source) == (
        Decimal("9.200"),
        Decimal("110.40"),
        "from the BOM, no marker yet",
    )

    plan = cut_plan_run(cut_plan_request(order=shop["order"], organization=factory.org, **EXACT).pk)
    marker = marker_fabric_of_style(style_id=style.pk, material_id=shop["material"].pk)
    assert marker is not None and marker.plan_id == plan.pk
    # Per size: the plan's meters per cm² of pieces × the size's pieces (L was not cut by the plan).
    areas = {size: Decimal(str(pattern_of(plan.pattern_version).total_area_cm2(size))) for size in AREA_CM2}
    pieces = 3 * areas["S"] + 2 * areas["M"]
    for size in AREA_CM2:
        assert marker.per_garment_m[size].quantize(MM) == (plan.fabric_m * areas[size] / pieces).quantize(MM)
    meters = (plan.fabric_m * (3 * areas["M"] + 2 * areas["L"]) / pieces).quantize(MM)

    response = brand.client().get(url)
    (fabric,) = response.context["flow"].materials
    assert fabric.quantity == meters
    assert fabric.amount == (meters * Decimal("12.00")).quantize(Decimal("0.01"))
    assert (fabric.source, fabric.bom_quantity) == (f"from cut plan {plan.pk}'s markers", Decimal("9.200"))
    assert fabric.note == fabric_note(bom_m=Decimal("9.200"), marker_m=meters)
    html = response.content.decode()
    assert f'data-testid="cost-source">from cut plan {plan.pk}&#x27;s markers<' in html
    if fabric.note:
        assert f'data-testid="cost-note">{fabric.note[0].upper()}' in html
