"""The demo seed and the `seamline` command."""

import subprocess
import sys
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from seamline import cli
from seamline.accounts.models import Organization
from seamline.accounts.selectors import token_authenticate
from seamline.catalog.models import FabricRoll, Style
from seamline.cli import build_parser, main
from seamline.delivery.models import Parcel, Route
from seamline.demo import DEMO_API_KEY, demo_seed
from seamline.demo_fitting import DEMO_SESSION_SECRET, DEMO_SESSION_UID
from seamline.drops.models import Drop
from seamline.facilities.models import Facility
from seamline.fitting.change_selectors import loop_of
from seamline.fitting.models import ChangeRequest, FitSession, Sample
from seamline.fitting.selectors import sample_results
from seamline.lineage.selectors import garment_lineage, order_document, order_mass_balance
from seamline.production.models import ProductionOrder
from seamline.trace.models import Event
from seamline.trace.schema import validate_document
from seamline.trace.services import chain_verify


@pytest.mark.django_db
def test_demo_seed_is_realistic_and_idempotent(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        assert demo_seed() is True
    brand = Organization.objects.get(slug="echo-park-atelier")
    assert set(Facility.objects.values_list("zip_code", flat=True)) >= {
        "90015",
        "90021",
        "90058",
        "90033",
        "90040",
    }
    assert FabricRoll.objects.count() == 12
    assert set(FabricRoll.objects.values_list("shade_lot", flat=True)) == {
        "IND-2611A",
        "IND-2611B",
        "CHM-07",
        "CHM-08",
    }
    jacket = Style.objects.get(code="CJ-01")
    assert jacket.sizes == ["XS", "S", "M", "L", "XL", "XXL"]
    assert jacket.bom_lines.get(placement="shell").material.usable_width_cm == 80
    assert sorted(ProductionOrder.objects.filter(kind="production").values_list("state", flat=True)) == [
        "cutting",
        "packed",
        "planned",
    ]
    # the fitting drop's run, made last week and out for delivery today: its whole journey is in the ledger,
    # one parcel delivered with its photo and code, and its chain holds
    sample = ProductionOrder.objects.get(state="packed")
    delivered = Parcel.objects.get(status="delivered")
    assert Parcel.objects.count() == 6 and delivered.order == sample and delivered.proofs.get().code_checked
    garment = delivered.garments.first()
    lineage = garment_lineage(organization=sample.factory, garment_epc=garment.epc_uri)
    assert lineage.steps[0].kind == "receiving" and lineage.steps[-1].kind == "accepting"
    routes = Route.objects.filter(plan__day=timezone.localdate())
    assert {r.vehicle.kind for r in routes} == {"e_cargo_bike", "e_van"} and routes.count() == 3
    page = Client().get(f"/p/{garment.passport.serial}").content.decode()
    assert 'data-testid="last-mile"' in page and delivered.proofs.get().photo_sha256[:16] in page
    assert not sample.footprints.get().unsourced  # delivered by the e-van: a sourced figure, printed
    assert lineage.rolls[0].material.startswith("13.5 oz Japanese selvedge") and lineage.meters > 0
    validate_document(order_document(organization=sample.brand, order=sample))
    assert order_mass_balance(organization=sample.factory, order=sample).closes
    # its timeline tells last week, in the ledger's order, not the moment the demo was seeded
    moves = list(sample.transitions.order_by("at", "pk").values_list("target", "at"))
    assert [t for t, _ in moves] == [
        "draft",
        "planned",
        "cutting",
        "sewing",
        "finishing",
        "packed",
    ]
    assert all(at < timezone.now() - timedelta(days=3) for _, at in moves)
    assert moves[2][1] == lineage.steps[1].when  # cutting started when the lay was cut
    assert chain_verify(sample.factory) is None
    assert sample.footprints.get().garments == sample.garments.count()
    assert token_authenticate(key=DEMO_API_KEY).organization == brand
    drop = Drop.objects.get(slug="chore-jacket-live")
    assert (drop.state, drop.run_cap, drop.threshold_units, drop.units_sold) == ("live", 70, 50, 46)
    assert drop.preorders.filter(local_delivery=False).count() == 1  # the New York buyer ships
    _assert_the_fit_loop(brand)
    counts = (FabricRoll.objects.count(), ProductionOrder.objects.count(), Facility.objects.count())
    assert demo_seed() is False
    assert (FabricRoll.objects.count(), ProductionOrder.objects.count(), Facility.objects.count()) == counts


def _assert_the_fit_loop(brand):
    """Yesterday's fitting: the neckline theme became a request, version 2 (approved, neckline 2 cm lower),
    the re-cut from fit 1's roll end 3 h 40 min after the first comment, fitted within tolerance; the dress's
    drop says so; today's session takes the README's curl."""
    request = ChangeRequest.objects.get()
    assert (request.subject, request.direction, request.status) == ("neckline", "deeper", "approved")
    assert request.summary == "front neckline 2 cm deeper, all sizes" and request.comment_count > 40
    v1, v2 = request.base_version, request.result_version
    assert (v1.number, v2.number, v2.status, v2.based_on) == (1, 2, "approved", v1)
    assert loop_of(request).headline == "re-cut 3 h 40 min after the first comment"
    fit1, fit2 = Sample.objects.order_by("number")
    assert fit2 == request.recut_sample and fit2.pattern_version == v2 and fit2.order.kind == "sample"
    assert not any(r.fails for r in sample_results(fit2))
    assert [r.code for r in sample_results(fit1) if r.within is False] == ["LEN"]  # the bias grew
    assert fit1.order.cut_plans.get().rolls and fit2.order.cut_plans.get().rolls
    assert fit1.cut_at < request.first_comment_at < fit2.cut_at < timezone.now()
    drop = Drop.objects.get(slug="slip-dress")
    assert all(p.pattern_version == v2 for p in drop.preorders.all())
    assert "after your comments" in Client().get("/d/slip-dress/").content.decode()
    live = FitSession.objects.get(uid=DEMO_SESSION_UID)
    assert live.ends_at is None and live.comments.count() == 5
    answer = Client().post(
        f"/api/v1/fit-sessions/{DEMO_SESSION_UID}/comments",
        data={"platform": "tiktok", "comment_id": "c1", "author": "@me", "text": "neckline deeper please",
              "time": timezone.now().isoformat(), "likes": 0},
        content_type="application/json",
        headers={"X-Seamline-Secret": DEMO_SESSION_SECRET},
    )  # fmt: skip
    assert answer.status_code == 200 and live.comments.count() == 6


@pytest.mark.django_db
def test_the_demo_seeded_before_dawn_writes_no_event_after_its_now(
    monkeypatch, django_capture_on_commit_callbacks
):
    """Seeded at 06:00 in Los Angeles (yesterday's, so it is past wherever the test runs), the parcel is
    still delivered this morning, and no ledger event, route departure or proof is dated after that now."""
    dawn = timezone.localtime().replace(hour=6, minute=0, second=0, microsecond=0) - timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: dawn)
    with django_capture_on_commit_callbacks():
        assert demo_seed() is True
    delivered = Parcel.objects.get(status="delivered")
    assert Route.objects.filter(plan__day=dawn.date()).count() == 3
    assert not Event.objects.filter(event_time__gt=dawn).exists()
    assert not Route.objects.filter(departed_at__gt=dawn).exists()
    assert delivered.proofs.get().at <= dawn


def test_parser_knows_the_commands():
    parser = build_parser()
    assert parser.parse_args(["demo", "--port", "8123"]).port == 8123
    assert parser.parse_args(["serve", "--workers", "2"]).workers == 2
    with pytest.raises(SystemExit) as exit_:
        parser.parse_args(["fly"])
    assert exit_.value.code == 2


def test_errors_are_one_line_and_exit_2(capsys, monkeypatch):
    from seamline.core.errors import ValidationError

    def boom(args):
        raise ValidationError(
            "The roll is not valid", fields={"length_m": "Must be greater than 0 (got -5)."}
        )

    monkeypatch.setitem(cli.COMMANDS, "worker", boom)
    assert main(["worker"]) == 2
    err = capsys.readouterr().err
    assert err == "seamline: The roll is not valid (length_m: Must be greater than 0 (got -5).)\n"


def test_python_dash_m_seamline_runs():
    out = subprocess.run(
        [sys.executable, "-m", "seamline", "--help"], capture_output=True, text=True, check=True
    )
    assert "demo" in out.stdout and "serve" in out.stdout and "worker" in out.stdout


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode_with_immediate_transactions():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite settings only")  # the PostgreSQL run covers the other database
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


@pytest.fixture
def busy_port():
    """A port another server listens on, bound as granian binds (SO_REUSEPORT)."""
    import socket

    with socket.socket() as other:
        other.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        other.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        other.bind(("127.0.0.1", 0))
        other.listen()
        yield other.getsockname()[1]


@pytest.mark.parametrize("command", ["serve", "demo"])
def test_a_busy_port_is_refused_before_anything_starts(command, busy_port, capsys, monkeypatch):
    """Issue #13: a second server on a busy port started without a word and took half its traffic."""

    def started(*args, **kwargs):
        raise AssertionError("nothing may be migrated, seeded or served on a busy port")

    monkeypatch.setattr(cli, "_setup", started)
    monkeypatch.setattr(cli, "_serve", started)
    assert main([command, "--port", str(busy_port)]) == 2
    err = capsys.readouterr().err
    assert err == f"seamline: port {busy_port} is in use (another Seamline?); use --port N\n"


def test_a_free_port_is_not_refused(monkeypatch):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    served = []
    monkeypatch.setattr(cli, "_setup", lambda: None)
    monkeypatch.setattr(cli, "_serve", lambda host, port, workers=1: served.append((host, port)))
    assert main(["serve", "--port", str(port)]) == 0
    assert served == [("127.0.0.1", port)]
