"""Demo data of the fit sessions: the slip dress's spec sheet and samples, yesterday's live fitting whose
comments asked for a deeper neckline (the change request, version 2 with the neckline lowered, approved,
re-cut and fitted), the dress's drop that says so, and an open session a visitor can post comments into
with curl.

Everything goes through the services, as the founder's, the patternmaker's and the factory's clicks would;
the clock of yesterday's loop is set with each service's `when`.
"""

from __future__ import annotations

import csv
import io
import random
import tempfile
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.utils import timezone

from seamline.cutting.demo_dress import slip_dress_dxf
from seamline.cutting.services import pattern_import
from seamline.drops.preorders import Customer, preorder_place
from seamline.drops.services import drop_create, drop_open
from seamline.fitting.changes import change_request_alter, change_request_recut, change_request_review
from seamline.fitting.models import ChangeRequest, FitSession
from seamline.fitting.samples import sample_create, sample_cut, sample_measure
from seamline.fitting.sessions import (
    change_request_from_theme,
    comments_receive,
    secret_hash_of,
    session_create,
    session_end,
)
from seamline.fitting.specs import spec_import

# The open session's address and webhook secret, for the demo only, so the README's curl example works as
# printed.
DEMO_SESSION_UID = uuid.UUID("5ea11e55-f170-4d2e-9a3b-000000000002")
DEMO_SESSION_SECRET = "slip-dress-fit-2-demo-secret"
DEMO_USERS = ("founder@echoparkatelier.example", "floor@alamedasewing.example")

# Yesterday's loop, local time: fit 1 in the morning, the stream after lunch (its first comment at 13:05),
# the request during the stream, version 2, its approval, the re-cut and its fitting.
LOOP_CLOCK = {
    "fit1": (9, 30),
    "live": (13, 0),
    "request": (13, 32),
    "version": (14, 40),
    "approved": (15, 10),
    "recut": (16, 45),
    "fitted": (17, 30),
}
# Fit 1 as drafted (the bias grew the length past its tolerance overnight); fit 2 with the V 2 cm deeper.
FIT1_MEASURED = {
    "FND": "12.2", "NKW": "19.1", "BND": "3.2", "BST": "92.4", "WST": "80.6", "HIP": "100.3",
    "SWP": "121.0", "LEN": "86.3", "STR": "42.0",
}  # fmt: skip
FIT2_MEASURED = FIT1_MEASURED | {"FND": "14.1", "LEN": "85.6"}

# The dress's spec sheet (cm, XS to XL): code, name, how to measure, tolerance, critical, subject, values.
SPEC = [
    ("FND", "Front neck drop", "Down from the line between the inner strap points to the V", "0.5", "yes",
     "neckline", (11.0, 11.5, 12.0, 12.5, 13.0)),
    ("NKW", "Neck width", "Between the inner strap points, straight across", "0.5", "no", "",
     (18.0, 18.5, 19.0, 19.5, 20.0)),
    ("BND", "Back neck drop", "Down from the line between the back strap points to centre back", "0.5", "no",
     "", (3.0, 3.0, 3.0, 3.0, 3.0)),
    ("BST", "Bust", "Across the front 2.5 cm below the underarm, doubled", "1.0", "yes", "bust",
     (82.0, 87.0, 92.0, 97.0, 102.0)),
    ("WST", "Waist", "Across 18 cm below the underarm, doubled", "1.0", "yes", "waist",
     (70.0, 75.0, 80.0, 85.0, 90.0)),
    ("HIP", "Hip", "Across 38 cm below the underarm, doubled", "1.0", "no", "hips",
     (90.0, 95.0, 100.0, 105.0, 110.0)),
    ("SWP", "Hem sweep", "Around the hem along its edge", "2.0", "no", "",
     (110.0, 115.0, 120.0, 125.0, 130.0)),
    ("LEN", "Side length", "Side seam from the underarm to the hem", "1.0", "yes", "length",
     (82.0, 83.5, 85.0, 86.5, 88.0)),
    ("STR", "Strap length", "Finished strap, front seam to back seam", "0.5", "no", "straps",
     (40.0, 41.0, 42.0, 43.0, 44.0)),
]  # fmt: skip


def spec_csv(sizes: list[str]) -> bytes:
    """The spec sheet as the CSV a pattern room would import."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["code", "name", "how_to_measure", "tolerance_cm", "critical", "subject", *sizes])
    for *head, values in SPEC:
        writer.writerow([*head, *values])
    return out.getvalue().encode()


# Yesterday's stream: what its audience said, by theme (text templates; authors and likes are drawn).
_NECKLINE_DEEPER = [
    "neckline deeper pls 🙏",
    "that V could go 2cm deeper",
    "love it but the neckline is too high for me",
    "lower the neck a little!!",
    "deeper V neck and I'm buying two",
    "the neckline feels too modest for silk",
    "make the v neck deeper, like 2 cm",
    "plunge it a bit more 😍",
    "neck line lower please",
    "deeper neckline = instant buy",
]
_OTHER = [
    ("straps", "can the straps be adjustable?"),
    ("straps", "thinner straps would be so pretty"),
    ("length", "a little longer for tall girls? 🥹"),
    ("length", "midi length is perfect"),
    ("colour", "will there be a black colour?"),
    ("colour", "ink colourway 😍"),
    ("fabric", "is the silk see through?"),
    ("", "omg this drape"),
    ("", "what size is the model wearing"),
    ("", "when does it ship"),
    ("", "obsessed"),
    ("", "the bias cut moves so nicely"),
]
_HANDLES = [
    "silk.sister", "eastside.edit", "maya.makes", "thrift.la", "dtla.daily", "echo.parker", "hana.wears",
    "slowfashion.sam", "zoe.in.silk", "rosa.j", "closet.of.kai", "noor.notes", "luis.looks", "ada.atelier",
]  # fmt: skip


def yesterdays_comments(start: datetime, *, count: int = 146, seed: int = 17) -> list[dict]:
    """The finished session's chat in the webhook's JSON shape: 58 ask for a deeper neckline, the rest is the
    usual mix. Deterministic (the demo is the same on every machine)."""
    rng = random.Random(seed)
    comments = []
    for i in range(count):
        asks = i % 5 in (0, 2) or i < 4  # two in five, and the first four: what the stream opened with
        text = rng.choice(_NECKLINE_DEEPER) if asks else rng.choice(_OTHER)[1]
        comments.append(
            {
                "platform": "tiktok" if i % 4 else "instagram",
                "comment_id": f"yday-{i:04d}",
                "author": f"@{rng.choice(_HANDLES)}",
                "text": text,
                "time": (start + timedelta(minutes=5, seconds=20 * i)).isoformat(),
                "likes": rng.choice([0, 0, 1, 2, 3, 5, 8, 13, 40]),
            }
        )
    return comments


def todays_comments(now: datetime) -> list[dict]:
    """The open session's first minutes."""
    lines = [
        ("@maya.makes", "the new neckline is perfect 😍", 12),
        ("@thrift.la", "straps a bit thinner?", 3),
        ("@zoe.in.silk", "could the hem be 3cm longer", 5),
        ("@noor.notes", "make it longer for tall girls pls", 2),
        ("@hana.wears", "that V now!!", 7),
    ]
    start = now - timedelta(minutes=15)
    return [
        {
            "platform": "tiktok",
            "comment_id": f"today-{i:03d}",
            "author": author,
            "text": text,
            "time": (start + timedelta(minutes=2 * i)).isoformat(),
            "likes": likes,
        }
        for i, (author, text, likes) in enumerate(lines)
    ]


def dress_pattern_import(*, dress, by) -> object:
    """Version 1 of the slip dress: written as a DXF-AAMA file and read back through the real import."""
    with tempfile.TemporaryDirectory() as folder:
        path = slip_dress_dxf(Path(folder) / "SD-02 slip dress v1.dxf")
        with path.open("rb") as dxf:
            return pattern_import(style=dress, dxf=dxf, by=by)


def _yesterday_at(now: datetime, hour: int, minute: int) -> datetime:
    local = timezone.localtime(now) - timedelta(days=1)
    return local.replace(hour=hour, minute=minute, second=0, microsecond=0)


def seed_fitting(*, brand, factory, dress, now: datetime) -> None:
    """The slip dress's fit loop of yesterday afternoon, its drop, and an open session for today."""
    users = {u.username: u for u in get_user_model().objects.filter(username__in=DEMO_USERS)}
    founder, floor_user = users["founder@echoparkatelier.example"], users["floor@alamedasewing.example"]
    at = {name: _yesterday_at(now, h, m) for name, (h, m) in LOOP_CLOCK.items()}

    v1 = dress_pattern_import(dress=dress, by=founder)
    spec_import(style=dress, text=spec_csv(list(dress.sizes)), organization=brand, by=founder)

    # Fit 1 the morning before: cut from a whole roll (no silk was cut yet), fitted with the V as drafted.
    fit1 = sample_create(
        style=dress, stage="fit", size="M", pattern_version=v1, factory=factory, organization=brand,
        by=founder, when=at["fit1"],
    )  # fmt: skip
    sample_cut(sample=fit1, organization=factory, by=floor_user, when=at["fit1"] + timedelta(minutes=40))
    sample_measure(
        sample=fit1,
        values=FIT1_MEASURED,
        organization=brand,
        by=founder,
        when=at["fit1"] + timedelta(hours=2),
    )

    # The live fitting: the stream's chat arrives at the webhook as a relay would post it.
    session, _secret = session_create(
        brand=brand, style=dress, title="Slip dress fitting — live on TikTok", starts_at=at["live"],
        stream_url="https://www.tiktok.com/@echoparkatelier/live", sample=fit1, by=founder,
    )  # fmt: skip
    comments_receive(session=session, body=yesterdays_comments(at["live"]))
    request = change_request_from_theme(session=session, subject="neckline", direction="deeper", by=founder)
    ChangeRequest.objects.filter(pk=request.pk).update(created_at=at["request"])
    session_end(session=session, at=at["live"] + timedelta(hours=1))

    # The pattern room lowers the neckline on the graded pattern; the founder approves; the factory re-cuts
    # from the roll end fit 1 left, and the re-cut is fitted before the evening.
    change_request_alter(request=request, organization=brand, by=founder, when=at["version"])
    change_request_review(request=request, approve=True, organization=brand, by=founder, when=at["approved"])
    request.refresh_from_db()
    asked = at["recut"] - timedelta(minutes=10)
    change_request_recut(request=request, organization=brand, by=founder, when=asked)  # asked of the factory
    fit2 = change_request_recut(request=request, organization=factory, by=floor_user, when=at["recut"])
    sample_measure(sample=fit2, values=FIT2_MEASURED, organization=brand, by=founder, when=at["fitted"])

    drop = _dress_drop(brand=brand, factory=factory, dress=dress, now=now)
    open_session, _ = session_create(
        brand=brand, style=dress, title="Slip dress fit 2 — live now", starts_at=now - timedelta(minutes=20),
        stream_url="https://www.tiktok.com/@echoparkatelier/live", sample=fit2, drop=drop, by=founder,
    )  # fmt: skip
    FitSession.objects.filter(pk=open_session.pk).update(
        uid=DEMO_SESSION_UID, secret_hash=secret_hash_of(DEMO_SESSION_UID, DEMO_SESSION_SECRET)
    )
    open_session.refresh_from_db()
    comments_receive(session=open_session, body=todays_comments(now))


DRESS_BUYERS = [
    ("Iris Wong", "iris.wong@example.com", "2800 Rowena Ave", "90039", "S"),
    ("Nadia Karim", "nadia.karim@example.com", "1600 N Vermont Ave", "90027", "M"),
    ("Tom Reyes", "tom.reyes@example.com", "3500 W 6th St", "90020", "L"),
]


def _dress_drop(*, brand, factory, dress, now: datetime):
    """The dress's drop, open since this morning: its page says what the comments changed."""
    skus = {v.size: v.sku for v in dress.variants.filter(colour="Ivory")}
    drop = drop_open(
        drop=drop_create(
            brand=brand,
            factory=factory,
            style=dress,
            title="Bias-Cut Silk Slip Dress — after the fitting",
            slug="slip-dress",
            description=(
                "Nineteen-momme silk charmeuse cut on the bias in our Olympic Blvd workroom. Forty dresses; "
                "we start cutting at twenty-five."
            ),
            prices=dict.fromkeys(skus.values(), "310.00"),
            run_cap=40,
            threshold_units=25,
            opens_at=now - timedelta(hours=2),
            closes_at=now + timedelta(days=5),
        )
    )
    for i, (name, email, street, zip_code, size) in enumerate(DRESS_BUYERS):
        preorder_place(
            drop=drop,
            customer=Customer(name=name, email=email, street=street, city="", zip_code=zip_code),
            basket={skus[size]: 1},
            idempotency_key=f"dress-{i}",
        )
    return drop
