"""Demo data: a Los Angeles brand, the micro-factory that makes its clothes, and their work in progress.

Everything goes through the services, as a user's clicks would.
Idempotent: the second run keeps what is there.
"""

from __future__ import annotations

import struct
import zlib
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone

from seamline.accounts.models import ApiToken, Membership, Organization
from seamline.accounts.services import hash_token_secret, member_add, organization_create
from seamline.catalog.services import (
    bom_line_add,
    certification_add,
    material_create,
    roll_receive,
    routing_set,
    style_create,
)
from seamline.cutting.demo_pattern import chore_jacket_pattern
from seamline.cutting.dxf_aama import write_dxf_aama
from seamline.cutting.models import Bundle
from seamline.cutting.runs import cut_plan_run
from seamline.cutting.services import cut_plan_request, lay_cut, pattern_import
from seamline.delivery.actions import route_depart, stop_deliver, stop_pick_up
from seamline.delivery.models import Stop
from seamline.delivery.planning import plan_request, plan_run
from seamline.delivery.services import courier_create, parcel_code_issue, parcels_create, vehicle_create
from seamline.demo_fitting import seed_fitting
from seamline.drops.models import Drop, PreOrder
from seamline.drops.preorders import Customer, preorder_place
from seamline.drops.services import drop_create, drop_open
from seamline.drops.tasks import drop_fund
from seamline.facilities.models import FacilityKind
from seamline.facilities.services import facility_create
from seamline.floor import services as floor
from seamline.footprint.services import footprint_publish
from seamline.passport.services import passports_issue
from seamline.production.models import OrderTransition
from seamline.production.services import production_order_create, production_order_transition

PASSWORD = "seamline-demo"
BRAND_SLUG = "echo-park-atelier"
# A fixed key, for the demo only, so the README's curl examples work as printed.
DEMO_API_KEY_PREFIX = "demo0001"
DEMO_API_KEY_SECRET = "echo-park-atelier-demo-key"
DEMO_API_KEY = f"sl_{DEMO_API_KEY_PREFIX}_{DEMO_API_KEY_SECRET}"

DEMO_LOGINS = {
    "password": PASSWORD,
    "users": [
        ("founder@echoparkatelier.example", "brand owner, Echo Park Atelier"),
        ("floor@alamedasewing.example", "factory owner, Alameda Street Sewing Co."),
        ("cutter@alamedasewing.example", "cutting-room operator"),
        ("bea@pedalcouriers.example", "bike courier (today's stops)"),
        ("admin@seamline.example", "back-office superuser (/admin/)"),
    ],
}

FACILITIES = [
    ("Pattern room, Maple Ave", FacilityKind.PATTERN_ROOM, "1015 S Maple Ave", "90015", "", 0),
    ("Sample line, Maple Ave", FacilityKind.SAMPLE_LINE, "1015 S Maple Ave, Suite 400", "90015", "", 0),
    ("Cut-and-sew floor, Olympic Blvd", FacilityKind.CUT_AND_SEW, "1251 E Olympic Blvd", "90021", "", 35),
    ("Vernon dye house", FacilityKind.DYE_HOUSE, "4500 S Santa Fe Ave", "90058", "Vernon", 20),
    ("Boyle Heights laser wash", FacilityKind.LASER_WASH, "2222 E 1st St", "90033", "", 0),
    ("Pressing & finishing, 14th St", FacilityKind.FINISHING, "1620 E 14th St", "90021", "", 0),
    ("Commerce warehouse & dock", FacilityKind.WAREHOUSE, "6000 Sheila St", "90040", "Commerce", 60),
    ("South Gate fibre-to-fibre recycler", FacilityKind.FIBRE_RECYCLER, "8630 Otis St", "90280", "", 0),
    ("Arts District courier hub", FacilityKind.COURIER_HUB, "811 Traction Ave", "90013", "", 0),
]

JACKET_SIZES = ["XS", "S", "M", "L", "XL", "XXL"]
DRESS_SIZES = ["XS", "S", "M", "L", "XL"]

JACKET_ROUTING = [
    ("Cut shell, pocketing and facings", "4.50", FacilityKind.CUT_AND_SEW, "Straight knife", 3),
    ("Fuse collar and front facings", "1.20", FacilityKind.CUT_AND_SEW, "Fusing press", 1),
    ("Hem and attach four patch pockets", "6.80", FacilityKind.CUT_AND_SEW, "Single needle lockstitch", 3),
    ("Join shoulders, flat-felled", "3.40", FacilityKind.CUT_AND_SEW, "Feed-off-the-arm", 4),
    ("Set sleeves", "5.60", FacilityKind.CUT_AND_SEW, "Single needle lockstitch", 4),
    ("Close side and underarm seams, flat-felled", "4.10", FacilityKind.CUT_AND_SEW, "Feed-off-the-arm", 4),
    ("Attach collar and facings", "4.20", FacilityKind.CUT_AND_SEW, "Single needle lockstitch", 4),
    ("Hem body and cuffs", "3.90", FacilityKind.CUT_AND_SEW, "Single needle lockstitch", 2),
    ("Buttonholes and donut buttons", "3.10", FacilityKind.CUT_AND_SEW, "Buttonholer / button sewer", 2),
    ("Laser fade and rinse", "2.00", FacilityKind.LASER_WASH, "CO2 laser + ozone washer", 3),
    ("Press", "2.50", FacilityKind.FINISHING, "Steam press", 2),
    ("Inspect", "1.50", FacilityKind.FINISHING, "", 3),
    ("Fold, tag and pack", "1.00", FacilityKind.WAREHOUSE, "", 1),
]

DRESS_ROUTING = [
    ("Cut on the bias, single ply", "6.00", FacilityKind.CUT_AND_SEW, "Rotary cutter", 4),
    ("Stay-stitch neckline and back", "2.00", FacilityKind.CUT_AND_SEW, "Single needle lockstitch", 3),
    ("French seams, sides", "8.50", FacilityKind.CUT_AND_SEW, "Single needle lockstitch", 5),
    ("Bias-bind neckline", "6.50", FacilityKind.CUT_AND_SEW, "Binder attachment", 5),
    ("Turn and attach spaghetti straps", "5.50", FacilityKind.CUT_AND_SEW, "Single needle lockstitch", 4),
    ("Rolled hem", "4.50", FacilityKind.CUT_AND_SEW, "Rolled-hem serger", 4),
    ("Garment-dye (Ink colourway)", "3.00", FacilityKind.DYE_HOUSE, "Low-liquor-ratio jet", 3),
    ("Hand press", "3.00", FacilityKind.FINISHING, "Silk iron", 3),
    ("Inspect", "1.50", FacilityKind.FINISHING, "", 3),
    ("Fold, tissue and pack", "1.00", FacilityKind.WAREHOUSE, "", 1),
]


def _routing(rows):
    return [
        {"name": n, "sam": sam, "facility_kind": kind, "machine": machine, "skill_level": skill}
        for n, sam, kind, machine, skill in rows
    ]


def _owner_group() -> Group:
    """Org owners may use /admin/ for back-office; tenancy there is enforced by the admin classes."""
    group, _ = Group.objects.get_or_create(name="Organization owners")
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=["facilities", "catalog", "production", "cutting", "accounts"]
        ).exclude(content_type__model__in=["organization"])
    )
    return group


def demo_pattern_file() -> Path:
    """The demo jacket's DXF-AAMA file (every size a block), written under var/demo/ for people to import."""
    path = Path(settings.VAR_DIR) / "demo" / "CJ-01-chore-jacket.dxf"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_dxf_aama(chore_jacket_pattern(), path)
    return path


@transaction.atomic
def demo_seed() -> bool:
    """Seed the demo; False (and nothing written) when it is already there."""
    if Organization.objects.filter(slug=BRAND_SLUG).exists():
        return False
    now = timezone.now()
    brand = organization_create(name="Echo Park Atelier", kind="brand", slug=BRAND_SLUG)
    factory = organization_create(
        name="Alameda Street Sewing Co.", kind="factory", slug="alameda-street-sewing"
    )

    owners = _owner_group()
    for org, email, role, name in [
        (brand, "founder@echoparkatelier.example", Membership.Role.OWNER, "Rosa Medina"),
        (brand, "studio@echoparkatelier.example", Membership.Role.STAFF, "Jun Park"),
        (factory, "floor@alamedasewing.example", Membership.Role.OWNER, "Luis Herrera"),
        (factory, "cutter@alamedasewing.example", Membership.Role.OPERATOR, "Mei Chen"),
    ]:
        membership = member_add(organization=org, email=email, password=PASSWORD, role=role, name=name)
        if role == Membership.Role.OWNER:
            membership.user.is_staff = True
            membership.user.save(update_fields=["is_staff"])
            membership.user.groups.add(owners)
    get_user_model().objects.create_superuser(
        username="admin@seamline.example", email="admin@seamline.example", password=PASSWORD
    )
    ApiToken.objects.create(
        organization=brand,
        name="Demo key (README examples)",
        prefix=DEMO_API_KEY_PREFIX,
        key_hash=hash_token_secret(DEMO_API_KEY_SECRET),
    )

    facilities = {
        kind: facility_create(
            organization=factory,
            name=name,
            kind=kind,
            street=street,
            zip_code=zip_code,
            city=city,
            solar_share_pct=solar,
        )
        for name, kind, street, zip_code, city, solar in FACILITIES
    }

    denim = material_create(
        organization=brand,
        name="13.5 oz Japanese selvedge denim, indigo",
        composition={"cotton": 100},
        weight_gsm="457.7",  # 13.5 oz/yd²
        usable_width_cm="80",
        supplier="Ibara Textile Trading",
        mill="Ibara Selvedge Works, Okayama",
        country_of_origin="JP",
        price_per_m="24.50",
        # The mill's spec: 7s x 7s, 64 ends x 42 picks an inch, warp crimp 10 %, weft 6 %: the warp is 61 %
        # of the mass. Rope-dyed warp, ecru weft, woven on shuttle looms, shipped from Kobe.
        construction="woven_shuttle",
        dyeing="warp_indigo_rope",
        warp_share_pct="61",
        yarn_dtex="844",
        mill_port="JPUKB",
    )
    silk = material_create(
        organization=brand,
        name="19 momme silk charmeuse, ivory",
        composition={"silk": 100},
        weight_gsm="81.8",  # 19 momme
        usable_width_cm="114",
        supplier="West Lake Silk Co.",
        mill="Hangzhou charmeuse mill",
        country_of_origin="CN",
        price_per_m="38.00",
        construction="woven_rapier",
        dyeing="piece",
        mill_port="CNNGB",
    )
    certification_add(
        material=silk,
        scheme="OEKO-TEX Standard 100",
        certificate_number="SH025 187654",
        expires_on=(now + timedelta(days=240)).date(),
    )
    pocketing = material_create(
        organization=brand,
        name="Organic cotton pocketing twill",
        composition={"organic cotton": 100},
        weight_gsm="140",
        usable_width_cm="150",
        supplier="LA Fabric Mart",
        mill="Tiruppur organic mill",
        country_of_origin="IN",
        price_per_m="6.80",
        construction="woven_air_jet",
        dyeing="piece",
        yarn_dtex="200",
        mill_port="INMAA",
    )
    certification_add(
        material=pocketing,
        scheme="GOTS",
        certificate_number="CU 1045872",
        expires_on=(now + timedelta(days=400)).date(),
    )
    buttons = material_create(
        organization=brand,
        name="Copper donut buttons, 17 mm",
        kind="trim",
        composition={"copper": 100},
        supplier="Downtown Button Supply",
        country_of_origin="US",
    )

    cut_floor = facilities[FacilityKind.CUT_AND_SEW]
    for i, (lot, length) in enumerate(
        [
            ("IND-2611A", "45.700"),
            ("IND-2611A", "46.200"),
            ("IND-2611A", "44.900"),
            ("IND-2611A", "45.300"),
            ("IND-2611B", "47.100"),
            ("IND-2611B", "45.800"),
            ("IND-2611B", "44.600"),
            ("IND-2611B", "46.000"),
        ],
        start=1,
    ):
        roll_receive(
            facility=cut_floor,
            material=denim,
            roll_id=f"IBR-{lot[-5:]}-{i:02d}",
            length_m=length,
            shade_lot=lot,
            received_at=now - timedelta(days=12 - i // 4),
        )
    for i, (lot, length) in enumerate(
        [("CHM-07", "32.000"), ("CHM-07", "31.500"), ("CHM-08", "30.800"), ("CHM-08", "33.200")], start=1
    ):
        roll_receive(
            facility=cut_floor,
            material=silk,
            roll_id=f"WLS-{lot}-{i:02d}",
            length_m=length,
            shade_lot=lot,
            received_at=now - timedelta(days=6),
        )

    jacket = style_create(
        organization=brand,
        code="CJ-01",
        name="Selvedge Chore Jacket",
        category="Outerwear",
        sizes=JACKET_SIZES,
        colourways=["Indigo Rinse"],
        care_wash_c=30,  # wash cold, inside out; hang dry
    )
    bom_line_add(
        style=jacket,
        material=denim,
        placement="shell",
        consumption=dict(
            zip(JACKET_SIZES, ["1.700", "1.780", "1.850", "1.930", "2.020", "2.120"], strict=True)
        ),
    )
    bom_line_add(
        style=jacket,
        material=pocketing,
        placement="pocketing",
        consumption=dict.fromkeys(JACKET_SIZES, "0.250"),
    )
    bom_line_add(
        style=jacket,
        material=buttons,
        placement="front and cuff buttons",
        consumption=dict.fromkeys(JACKET_SIZES, "7"),
    )
    routing_set(style=jacket, operations=_routing(JACKET_ROUTING))
    with demo_pattern_file().open("rb") as dxf:  # through the real import, as a pattern room would
        pattern_import(style=jacket, dxf=dxf)

    dress = style_create(
        organization=brand,
        code="SD-02",
        name="Bias-Cut Silk Slip Dress",
        category="Dresses",
        sizes=DRESS_SIZES,
        colourways=["Ivory", "Ink"],
    )
    bom_line_add(
        style=dress,
        material=silk,
        placement="shell, self binding and straps",
        consumption=dict(zip(DRESS_SIZES, ["2.100", "2.200", "2.300", "2.400", "2.550"], strict=True)),
    )
    routing_set(style=dress, operations=_routing(DRESS_ROUTING))

    founder = get_user_model().objects.get(username="founder@echoparkatelier.example")
    floor = get_user_model().objects.get(username="floor@alamedasewing.example")
    jacket_order = production_order_create(
        brand=brand,
        factory=factory,
        style=jacket,
        due_date=(now + timedelta(days=21)).date(),
        by=founder,
        quantities={
            v.sku: q
            for v, q in zip(jacket.variants.order_by("position"), [6, 12, 18, 16, 12, 6], strict=True)
        },
        notes="Drop #1: 70 jackets, funded in the live fitting.",
    )
    production_order_transition(order=jacket_order, target="planned", organization=brand, by=founder)
    production_order_transition(order=jacket_order, target="cutting", organization=factory, by=floor)

    dress_qty = {("Ivory", s): q for s, q in zip(DRESS_SIZES, [4, 8, 10, 6, 2], strict=True)}
    dress_qty |= {("Ink", s): q for s, q in zip(DRESS_SIZES, [2, 6, 6, 4, 2], strict=True)}
    dress_order = production_order_create(
        brand=brand,
        factory=factory,
        style=dress,
        due_date=(now + timedelta(days=35)).date(),
        by=founder,
        quantities={v.sku: dress_qty[(v.colour, v.size)] for v in dress.variants.all()},
        notes="Drop #2: 50 slip dresses; the Ink colourway is garment-dyed in Vernon.",
    )
    production_order_transition(order=dress_order, target="planned", organization=brand, by=founder)
    _seed_live_drop(brand=brand, factory=factory, jacket=jacket, now=now)
    _seed_sample_run(
        brand=brand,
        factory=factory,
        jacket=jacket,
        facilities=facilities,
        founder=founder,
        floor_user=floor,
        now=now,
    )
    # After the jacket's runs, so their order numbers (PO-00003 in the README) stay what they were.
    seed_fitting(brand=brand, factory=factory, dress=dress, now=now)
    return True


# The fitting drop's first buyers, all local: (name, e-mail, street, ZIP, size, units, delivery window). Three
# chose the first morning slot in three directions: no one vehicle can be at all three doors by 9:20.
FITTING_BUYERS = [
    (
        "Maya Chen",
        "maya.chen@example.com",
        "3200 W Sunset Blvd",
        "90026",
        "M",
        1,
        "09:00-09:20",
    ),  # Silver Lake
    ("Luis Ortega", "luis.ortega@example.com", "1300 Echo Park Ave", "90026", "S", 1, ""),  # Echo Park
    ("Hana Sato", "hana.sato@example.com", "900 N Broadway", "90012", "L", 1, ""),  # Echo Park / Chinatown
    (
        "Omar Haddad",
        "omar.haddad@example.com",
        "9500 Culver Blvd",
        "90232",
        "M",
        2,
        "09:00-09:20",
    ),  # Culver City
    (
        "Zoe Park",
        "zoe.park@example.com",
        "5600 N Figueroa St",
        "90042",
        "L",
        1,
        "09:00-09:20",
    ),  # Highland Park
    ("Rosa Jimenez", "rosa.jimenez@example.com", "2000 E Cesar E Chavez Ave", "90033", "S", 1, "14:00-18:00"),
]
FITTING_SIZES = {"Rosa Jimenez": {"S": 1, "L": 1}}  # Boyle Heights: one of each
# Couriers from the Arts District hub: two bikes (one courier signs in) and an e-van of a courier company.
COURIERS = [
    ("Bea Flores", "", "bea@pedalcouriers.example", "e_cargo_bike", "Bike 1"),
    ("Marcus Lee", "Eastside Pedal Co.", "", "e_cargo_bike", "Bike 2"),
    ("Sol Ortega", "Sol's E-Vans LLC", "", "e_van", "E-van 1"),
]


def _seed_sample_run(*, brand, factory, jacket, facilities, founder, floor_user, now) -> None:
    """The fitting drop: eight jackets pre-ordered by local customers, funded last week, made through the real
    services (selvedge roll -> cut -> sewn -> dyed -> pressed -> QC -> packed), and out for delivery today:
    parcels planned for two bikes and an e-van, one delivered with its photo and code."""

    skus = {v.size: v.sku for v in jacket.variants.all()}
    drop = drop_open(
        drop=drop_create(
            brand=brand,
            factory=factory,
            style=jacket,
            title="Selvedge Chore Jacket — fitting drop",
            slug="chore-jacket-fitting",
            description="Eight jackets for the fitting's first buyers, delivered by bike and van across LA.",
            prices=dict.fromkeys(skus.values(), "248.00"),
            run_cap=8,
            threshold_units=8,
            overcut_pct="0",
            opens_at=now - timedelta(minutes=10),
            closes_at=now + timedelta(hours=1),
        )
    )
    for i, (name, email, street, zip_code, size, units, window) in enumerate(FITTING_BUYERS):
        preorder_place(
            drop=drop,
            customer=Customer(name, email, street, "", zip_code, window),
            basket={skus[s]: n for s, n in FITTING_SIZES.get(name, {size: units}).items()},
            idempotency_key=f"fitting-{i}",
        )
    drop_fund.call(drop_id=drop.pk)  # capture and place the order now (the queued run finds it done)
    drop.refresh_from_db()
    order = drop.production_order
    start = timezone.localtime(now - timedelta(days=5)).replace(hour=8, minute=10, second=0, microsecond=0)
    hours = {"cut": 0, "sew": 2.5, "dye": 7, "press": 25, "qc": 27, "pack": 29.5}
    at = {step: start + timedelta(hours=h) for step, h in hours.items()}
    # The drop was funded last week: its timeline says so (pre-ordered and funded the afternoon before).
    Drop.objects.filter(pk=drop.pk).update(
        opens_at=start - timedelta(days=2),
        closes_at=start - timedelta(hours=18),
        funded_at=start - timedelta(hours=19),
    )
    PreOrder.objects.filter(drop=drop).update(created_at=start - timedelta(hours=22))
    OrderTransition.objects.filter(order=order, target="draft").update(at=start - timedelta(hours=19))
    OrderTransition.objects.filter(order=order, target="planned").update(at=start - timedelta(hours=19))
    production_order_transition(
        order=order, target="cutting", organization=factory, by=floor_user, when=at["cut"]
    )
    # A quick plan (1 s of nesting a garment, two jackets a marker at most): the demo starts in seconds.
    plan = cut_plan_run(
        cut_plan_request(
            order=order,
            organization=factory,
            by=floor_user,
            enqueue=False,
            seconds_per_garment=1,
            max_marker_length_cm="600",
        ).pk
    )
    cutter = get_user_model().objects.get(username="cutter@alamedasewing.example")
    for lay in plan.lays.all():
        lay_cut(lay=lay, organization=factory, by=cutter, when=at["cut"])
    for bundle in Bundle.objects.filter(lay__plan=plan).order_by("pk"):
        floor.bundle_sew(bundle=bundle, organization=factory, by=floor_user, when=at["sew"])
    production_order_transition(
        order=order, target="sewing", organization=factory, by=floor_user, when=at["sew"]
    )
    kw = {"order": order, "organization": factory}
    floor.garments_finish(
        **kw,
        step="dyeing",
        facility=facilities[FacilityKind.DYE_HOUSE],
        energy_kwh=Decimal("38.4"),
        water_l=Decimal("512"),
        when=at["dye"],
    )
    production_order_transition(
        order=order, target="finishing", organization=factory, by=floor_user, when=at["dye"]
    )
    floor.garments_finish(
        **kw,
        step="pressing",
        facility=facilities[FacilityKind.FINISHING],
        energy_kwh=Decimal("2.6"),
        when=at["press"],
    )
    floor.garments_inspect(**kw, facility=facilities[FacilityKind.FINISHING], when=at["qc"])
    dock = facilities[FacilityKind.WAREHOUSE]
    floor.garments_pack(**kw, facility=dock, per_carton=4, when=at["pack"])
    production_order_transition(
        order=order, target="packed", organization=factory, by=floor_user, when=at["pack"]
    )
    _seed_deliveries(order=order, factory=factory, hub=facilities[FacilityKind.COURIER_HUB], now=now)

    footprint_publish(order=order, by=founder)  # the hangtag's figures, from the ledger just written

    passports_issue(order=order)  # what the packing's background task does, here at once


def _demo_photo() -> bytes:
    """A small PNG standing in for the courier's photo of the parcel at the door (a brown box on a step)."""
    width, height = 48, 36
    rows = []
    for y in range(height):
        row = bytearray([0])
        for x in range(width):
            box = 14 <= x < 34 and 10 <= y < 26
            row += bytes((176, 124, 72) if box else (200, 200, 196) if y > 26 else (92, 110, 128))
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )


def _seed_deliveries(*, order, factory, hub, now) -> None:
    """The fitting drop's parcels, today's plan for two bikes and an e-van (made this morning), every route
    loaded and gone, and the e-van's first parcel delivered with its photo and the customer's code."""
    vehicles = {}
    for name, company, email, kind, vehicle in COURIERS:
        courier = courier_create(
            organization=factory, name=name, company=company, email=email, password=PASSWORD if email else ""
        )
        vehicles[kind, vehicle] = vehicle_create(
            organization=factory,
            name=vehicle,
            kind=kind,
            start_facility=hub,
            courier=courier,
            shift_start="08:00",
            shift_end="18:00",
            break_start="12:00" if kind == "e_cargo_bike" else None,
            break_end="14:00" if kind == "e_cargo_bike" else None,
            break_minutes=30 if kind == "e_cargo_bike" else 0,
        )
    # Every time at or before `now`, whatever the hour the demo is seeded (before dawn too): a ledger event
    # never lies in the future.
    local = timezone.localtime(now)
    morning = min(local.replace(hour=7, minute=30, second=0, microsecond=0), local - timedelta(minutes=40))
    loaded = min(local - timedelta(minutes=15), morning + timedelta(minutes=35))
    parcels_create(order=order, organization=factory, hub=hub, when=loaded - timedelta(minutes=20))
    plan = plan_run(
        plan_request(organization=factory, day=local.date(), seconds=1, enqueue=False).pk, now=morning
    )
    if plan.status != plan.Status.DONE:  # the demo goes on without routes rather than not at all
        return
    stops = list(
        Stop.objects.filter(route__plan=plan, kind=Stop.Kind.PARCEL).select_related("route__vehicle")
    )
    for stop in stops:
        stop_pick_up(stop=stop, organization=factory, when=loaded)
    for route in plan.routes.all():
        if any(s.route_id == route.pk for s in stops):
            route_depart(route=route, organization=factory, when=loaded + timedelta(minutes=5))
    firsts = sorted(stops, key=lambda s: (s.route.vehicle.kind != "e_van", s.route.number, s.sequence))
    if not firsts:
        return
    stop = firsts[0]
    code = parcel_code_issue(parcel=stop.parcel)
    when = min(local - timedelta(minutes=1), max(loaded + timedelta(minutes=10), stop.planned_arrival))
    stop_deliver(
        stop=stop,
        organization=factory,
        photo=_demo_photo(),
        recipient_name=stop.parcel.preorder.name,
        code=code or "",
        when=when,
    )


DEMO_BUYERS = [
    ("Ana Ruiz", "ana.ruiz@example.com", "1420 Echo Park Ave", "90026", "M", 1),
    ("Dev Patel", "dev.patel@example.com", "3100 W Sunset Blvd", "90026", "L", 2),
    ("Sam Okafor", "sam.okafor@example.com", "801 S Grand Ave", "90017", "S", 1),
    ("Lena Kim", "lena.kim@example.com", "2250 Hyperion Ave", "90027", "M", 2),
    ("Marco Bianchi", "marco.b@example.com", "120 Broadway", "10271", "XL", 1),  # New York: it ships
    ("Jo Tanaka", "jo.tanaka@example.com", "4500 Eagle Rock Blvd", "90041", "XS", 1),
    ("Priya Shah", "priya.shah@example.com", "600 Mateo St", "90021", "L", 2),
    ("Chris Lee", "chris.lee@example.com", "1001 N Alvarado St", "90026", "M", 2),
]
# Enough of the live stream's first minutes that two more pre-orders cross the threshold of 50.
MORE_BUYERS = [
    ("Maya", "90039", "S"),
    ("Luis", "90031", "M"),
    ("Hana", "90004", "L"),
    ("Omar", "90019", "M"),
    ("Zoe", "90065", "L"),
    ("Ivan", "90042", "XL"),
    ("Noor", "90012", "S"),
    ("Eli", "90291", "M"),
    ("Rosa", "90033", "L"),
    ("Kai", "90028", "XL"),
    ("Ada", "90057", "M"),
    ("Ben", "90018", "L"),
    ("Tess", "90029", "S"),
    ("Raj", "90035", "M"),
    ("Gia", "90066", "XL"),
    ("Femi", "90008", "L"),
    ("Lou", "91105", "M"),
]


def _seed_live_drop(*, brand, factory, jacket, now) -> None:
    """The founder's live fitting: 70 jackets, funded at 50, with 46 pre-ordered: two more buyers fund it."""

    skus = {v.size: v.sku for v in jacket.variants.all()}
    drop = drop_create(
        brand=brand,
        factory=factory,
        style=jacket,
        title="Selvedge Chore Jacket — live fitting drop",
        slug="chore-jacket-live",
        description=(
            "Cut from 13.5 oz Japanese selvedge in our Olympic Blvd workroom, laser-faded in Boyle Heights, "
            "delivered by bike and van across LA. Seventy jackets; we start cutting at fifty."
        ),
        prices=dict.fromkeys(skus.values(), "248.00"),
        variant_caps={skus["XS"]: 6, skus["XXL"]: 6},
        run_cap=70,
        threshold_units=50,
        per_customer_limit=2,
        opens_at=now - timedelta(minutes=30),
        closes_at=now + timedelta(days=3),
    )
    drop_open(drop=drop)
    buyers = DEMO_BUYERS + [
        (f"{first} Demo", f"{first.lower()}.demo@example.com", "100 Main St", zip_code, size, 2)
        for first, zip_code, size in MORE_BUYERS
    ]
    for i, (name, email, street, zip_code, size, qty) in enumerate(buyers):
        preorder_place(
            drop=drop,
            customer=Customer(name=name, email=email, street=street, city="", zip_code=zip_code),
            basket={skus[size]: qty},
            idempotency_key=f"demo-{i}",
        )
