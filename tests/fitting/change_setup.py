"""The slip dress of the change-request tests: a brand's style with its shell fabric, pattern v1 imported from
the demo's DXF-AAMA, a factory with silk remnants that cut its first fit sample, a spec sheet, a live fitting
and the change request its comments made."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from seamline.catalog.services import bom_line_add, material_create, style_create
from seamline.cutting.demo_dress import slip_dress_dxf
from seamline.cutting.services import pattern_import
from seamline.fitting.models import ChangeRequest, FitSession
from seamline.fitting.samples import sample_create
from seamline.fitting.sessions import change_request_from_theme, comments_receive, session_create
from seamline.fitting.specs import spec_import

from .. import factories as f

SIZES = ["XS", "S", "M", "L", "XL"]
SHEET = (
    "code,name,how_to_measure,tolerance_cm,critical,subject,XS,S,M,L,XL\n"
    "FND,Front neck drop,strap point line to the V's point,0.5,yes,neckline,11.0,11.5,12.0,12.5,13.0\n"
    "LEN,Length underarm to hem,side seam,1.0,no,length,83.0,84.5,86.0,87.5,89.0\n"
    "HEM,Hem sweep,edge to edge,2.0,no,,110.0,115.0,120.0,125.0,130.0\n"
)


def slip_dress(brand, factory, tmp_path, *, width_cm: str = "140") -> dict:
    silk = material_create(
        organization=brand.org,
        name="Silk charmeuse 19 momme",
        composition={"silk": 100},
        weight_gsm="82",
        usable_width_cm=width_cm,
        country_of_origin="CN",
        price_per_m="38.00",
    )
    style = style_create(
        organization=brand.org,
        code="SD-02",
        name="Slip Dress",
        category="Dresses",
        sizes=SIZES,
        colourways=["Champagne"],
    )
    bom_line_add(style=style, material=silk, placement="shell", consumption=dict.fromkeys(SIZES, "1.600"))
    with slip_dress_dxf(tmp_path / "SD-02.dxf").open("rb") as dxf:
        v1 = pattern_import(style=style, dxf=dxf)
    floor = f.make_facility(factory.org, kind="cut_and_sew")
    rolls = [
        f.make_roll(floor, silk, length_m=length, shade_lot="A") for length in ("1.900", "2.400", "30.000")
    ]
    sample = sample_create(
        style=style,
        stage="fit",
        size="M",
        pattern_version=v1,
        factory=factory.org,
        organization=brand.org,
        by=brand.user,
    )
    spec_import(style=style, text=SHEET, organization=brand.org)
    return {
        "material": silk,
        "style": style,
        "v1": v1,
        "rolls": rolls,
        "sample": sample,
    }


def session_with_request(
    dress: dict,
    brand,
    *,
    drop=None,
    amount_cm: float = 2.0,
    comments: int = 143,
    first_comment_ago_h: float = 4,
) -> tuple[FitSession, ChangeRequest]:
    """A finished live fitting of the sample whose comments (from the webhook) beg for a deeper neckline, and
    the change request the founder made of that theme: front neckline 2 cm deeper."""
    now = timezone.now()
    first = now - timedelta(hours=first_comment_ago_h)
    session, _secret = session_create(
        brand=brand.org,
        style=dress["style"],
        title="SD-02 fit 1, live",
        starts_at=first - timedelta(minutes=5),
        sample=dress["sample"],
        drop=drop,
        by=brand.user,
    )
    asks = (
        "neckline deeper please",
        "a deeper neckline!!",
        "the neckline could go deeper",
        "deeper neckline pls",
    )
    comments_receive(
        session=session,
        body=[
            {
                "platform": "tiktok",
                "comment_id": f"{session.uid}-{i}",
                "author": f"@fan{i}",
                "text": asks[i % len(asks)],
                "time": (first + timedelta(seconds=20 * i)).isoformat(),
                "likes": 3,
            }
            for i in range(comments)
        ],
    )
    request = change_request_from_theme(
        session=session, subject="neckline", direction="deeper", by=brand.user, amount_cm=amount_cm
    )
    ChangeRequest.objects.filter(pk=request.pk).update(created_at=first + timedelta(minutes=12))
    request.refresh_from_db()
    return session, request
