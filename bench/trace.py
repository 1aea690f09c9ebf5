"""Issue #5: the EPCIS trace ledger on PostgreSQL, through the real server.

    .venv/bin/python bench/trace.py [--events 1000000] [--docs 400] [--clients 8] [--workers 2]
                                    [--capture-only]

On a fresh database `bench_trace` (`bench_trace_capture` with --capture-only):
1. capture: `seamline serve` (granian) and `--clients` threads POST EPCIS documents of 100 events each
   (sewing, laser washing, pressing, QC per garment, packing; every garment, bundle and carton a real row,
   so the unknown-EPC check runs as in production) to POST /epcis/capture for one factory; events/s and
   document latency; then the chain must verify and hold exactly docs x 100 events;
   the floor, in the same run: the very rows that capture stored (trace_event and trace_eventepc, per
   document) inserted again by bare psycopg `COPY`, one transaction per document, by as many connections as
   clients, under a second organization (same tables, same indexes, same constraints); the ratio
   capture / floor (target >= 40 %);
2. load: the same factory's chain is filled up to `--events` through services.record_events (real chained
   records): rolls received, lays cut into bundles, bundles sewn into garments, finishing, QC, packing,
   departing and arriving cartons, off-cuts to the recycler;
3. garment lineage (seamline.lineage.selectors.garment_lineage when it exists, else the same walk over
   EventEpc) for 1,000 random garments;
4. GET /epcis/events?MATCH_epc=<garment> over HTTP, 1,000 requests;
5. `seamline trace verify` over the whole chain, as a subprocess.
Writes bench/out/trace.json. Targets (issue #5): capture >= 3,000 events/s; lineage p95 < 25 ms;
MATCH_epc p95 < 50 ms; verify of 1,000,000 events < 60 s; (issue #15) capture >= 40 % of the COPY floor.
Exits 1 when a correctness check fails.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TRACE_DB = "bench_trace"
CAPTURE_DB = "bench_trace_capture"  # --capture-only: leaves the 1M-event database alone
DB_URL = f"postgres://postgres@127.0.0.1:5432/{TRACE_DB}"
PORT = 8767
SIZES = ["XS", "S", "M", "L", "XL"]
GARMENTS_PER_BUNDLE = 6
BUNDLES_PER_DOC = 10  # 10 events a bundle: sewn, laser wash, press, 6 inspections, pack
WARM_DOCS = 4
TARGETS = {
    "capture_eps": 3000,
    "capture_vs_copy_floor": 0.40,
    "lineage_p95_ms": 25,
    "match_epc_p95_ms": 50,
    "verify_s": 60,
}

sys.path.insert(0, str(ROOT / "bench"))
from common import ensure_database, machine, setup_django, stop_server, wait_ready  # noqa: E402


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def summary(ms: list[float]) -> dict[str, float]:
    return {
        "n": len(ms),
        "p50_ms": round(pct(ms, 50), 2),
        "p95_ms": round(pct(ms, 95), 2),
        "p99_ms": round(pct(ms, 99), 2),
        "mean_ms": round(statistics.fmean(ms), 2),
    }


# Seed -------------------------------------------------------------------------------------------------


def seed(n_docs: int) -> dict[str, Any]:
    """Brand, factory, facility, an order, and the bundles, garments and cartons the capture names."""
    from django.db import transaction

    from seamline.accounts.services import api_token_create, organization_create
    from seamline.catalog.services import material_create, style_create
    from seamline.cutting.models import Bundle, CutPlan, Lay, Marker, PatternVersion
    from seamline.facilities.services import facility_create
    from seamline.production.models import Carton, Garment
    from seamline.production.services import production_order_create

    with transaction.atomic():
        brand = organization_create(name="Trace Brand", kind="brand", slug="trace-brand")
        factory = organization_create(name="Trace Factory", kind="factory", slug="trace-factory")
        facility = facility_create(
            organization=factory,
            name="Floor 1",
            kind="cut_and_sew",
            street="1251 E Olympic Blvd",
            zip_code="90021",
        )
        material = material_create(
            organization=brand,
            name="Selvedge denim",
            composition={"cotton": 100},
            weight_gsm="457.7",
            usable_width_cm="80",
        )
        style = style_create(
            organization=brand,
            code="TR-JKT",
            name="Trace Jacket",
            category="Outerwear",
            sizes=SIZES,
            colourways=["Indigo"],
        )
        variants = list(style.variants.all())
        order = production_order_create(
            brand=brand,
            factory=factory,
            style=style,
            due_date=(datetime.now(UTC) + timedelta(days=60)).date(),
            quantities={v.sku: 10 for v in variants},
        )
        # One lay stands for the cutting room's work: the capture is about what happens after it.
        version = PatternVersion.objects.create(
            style=style, number=1, style_name="TR-JKT", source_name="bench.dxf", units="METRIC", sizes=SIZES
        )
        plan = CutPlan.objects.create(
            order=order,
            pattern_version=version,
            material=material,
            colour="Indigo",
            demand={},
            fabric_width_cm=80,
            margin_cm=1,
            spacing_cm="0.2",
            max_plies=60,
            max_marker_length_cm=1200,
            setup_cost_cm=50,
            overcut_max=1,
        )
        marker = Marker.objects.create(
            plan=plan,
            number=1,
            ratio={},
            length_cm=300,
            utilization=0.8,
            piece_area_cm2=1,
            waste_area_cm2=1,
            document={},
            svg="",
            dxf="",
        )
        n_bundles = n_docs * BUNDLES_PER_DOC
        lays = [
            Lay.objects.create(
                plan=plan,
                number=i + 1,
                marker=marker,
                plies=GARMENTS_PER_BUNDLE,
                shade_lot="A",
                ply_m="3.1",
                meters="18.6",
                offcut_kg="0.5",
            )
            for i in range(n_bundles // 30_000 + 1)
        ]
        bundles = Bundle.objects.bulk_create(
            Bundle(
                lay=lays[i // 30_000],
                number=i % 30_000 + 1,
                size=SIZES[i % 5],
                ply_from=1,
                ply_to=GARMENTS_PER_BUNDLE,
                pieces=9 * GARMENTS_PER_BUNDLE,
            )
            for i in range(n_bundles)
        )
        now = datetime.now(UTC)
        garments = Garment.objects.bulk_create(
            Garment(order=order, variant=variants[(i // GARMENTS_PER_BUNDLE) % 5], serial=i + 1, sewn_at=now)
            for i in range(n_bundles * GARMENTS_PER_BUNDLE)
        )
        cartons = Carton.objects.bulk_create(Carton(order=order, number=i + 1) for i in range(n_bundles))
        _, key = api_token_create(organization=factory, name="trace bench")
    return {
        "brand": brand,
        "factory": factory,
        "facility": facility.epc_uri,
        "skus": [v.sku for v in variants],
        "bundles": [b.epc_uri for b in bundles],
        "garments": [g.epc_uri for g in garments],
        "cartons": [c.epc_uri for c in cartons],
        "key": key,
    }


# Capture ----------------------------------------------------------------------------------------------


def capture_documents(s: dict[str, Any], n_docs: int) -> list[bytes]:
    from seamline.floor import events as floor_ev
    from seamline.trace import events as ev

    start = datetime.now(UTC) - timedelta(days=3)
    docs = []
    for d in range(n_docs):
        events = []
        for b in range(d * BUNDLES_PER_DOC, (d + 1) * BUNDLES_PER_DOC):
            when = start + timedelta(seconds=b)
            gs = s["garments"][b * GARMENTS_PER_BUNDLE : (b + 1) * GARMENTS_PER_BUNDLE]
            fac = s["facility"]
            events.append(
                floor_ev.sewn(
                    bundles=[s["bundles"][b]],
                    garments=gs,
                    sku=s["skus"][b % 5],
                    facility=fac,
                    when=when,
                    operator=f"op-{b % 17}",
                )
            )
            events.append(
                floor_ev.finished(
                    epcs=gs, step="laser_washing", facility=fac, when=when, energy_kwh=1.25, water_l=12.5
                )
            )
            events.append(
                floor_ev.finished(epcs=gs, step="pressing", facility=fac, when=when, energy_kwh=0.4)
            )
            events += [floor_ev.inspected(epcs=[g], facility=fac, when=when, passed=True) for g in gs]
            events.append(floor_ev.packed(carton=s["cartons"][b], garments=gs, facility=fac, when=when))
        docs.append(json.dumps(ev.document(events)).encode())
    return docs


def run_capture(s: dict[str, Any], docs: list[bytes], clients: int) -> dict[str, Any]:
    import httpx

    queue = list(enumerate(docs))
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    headers = {"Authorization": f"Bearer {s['key']}", "Content-Type": "application/ld+json"}

    def client() -> None:
        with httpx.Client(base_url=f"http://127.0.0.1:{PORT}", headers=headers, timeout=120) as http:
            while True:
                with lock:
                    if not queue:
                        return
                    _, body = queue.pop()
                t0 = time.perf_counter()
                status = http.post("/epcis/capture", content=body).status_code
                ms = (time.perf_counter() - t0) * 1000
                with lock:
                    latencies.append(ms)
                    statuses[status] = statuses.get(status, 0) + 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    n_events = len(docs) * 100
    return {
        "documents": len(docs),
        "events": n_events,
        "clients": clients,
        "wall_s": round(wall, 2),
        "events_per_s": round(n_events / wall, 1),
        "document_latency": summary(latencies),
        "statuses": statuses,
    }


# The COPY floor ---------------------------------------------------------------------------------------


def _columns(conn: Any, table: str) -> list[str]:
    rows = conn.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position",
        (table,),
    ).fetchall()
    return [r[0] for r in rows]


def floor_rows(organization_id: int, floor_org_id: int, job_ids: list[int]) -> tuple[list[tuple], list[str]]:
    """For each capture job (one document), the COPY text of its trace_event and trace_eventepc rows as
    capture stored them, moved to the floor organization: event ids shifted past every existing id (the
    block is reserved on the sequence here, outside the timing), identifier rows pointing at the shifted
    ids and numbered by their own sequence. Read with COPY TO, so every column goes back byte for byte."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(DB_URL, autocommit=True) as conn:
        lo, hi = conn.execute(
            "SELECT min(id), max(id) FROM trace_event WHERE organization_id = %s", (organization_id,)
        ).fetchone()
        top = conn.execute("SELECT max(id) FROM trace_event").fetchone()[0]
        offset = top - lo + 1
        conn.execute("SELECT setval(pg_get_serial_sequence('trace_event', 'id'), %s)", (hi + offset,))
        event_cols = _columns(conn, "trace_event")
        epc_cols = [c for c in _columns(conn, "trace_eventepc") if c != "id"]
        shifted = {"id": sql.SQL("id + {}").format(offset), "organization_id": sql.Literal(floor_org_id)}
        select_event = sql.SQL("SELECT {} FROM trace_event WHERE capture_job_id = %s ORDER BY seq").format(
            sql.SQL(", ").join(shifted.get(c, sql.Identifier(c)) for c in event_cols)
        )
        select_epc = sql.SQL(
            "SELECT {} FROM trace_eventepc WHERE event_id IN "
            "(SELECT id FROM trace_event WHERE capture_job_id = %s) ORDER BY id"
        ).format(
            sql.SQL(", ").join(
                sql.SQL("event_id + {}").format(offset) if c == "event_id" else sql.Identifier(c)
                for c in epc_cols
            )
        )
        docs = []
        for job in job_ids:
            parts = []
            for select in (select_event, select_epc):
                query = sql.SQL("COPY ({}) TO STDOUT").format(select)
                with conn.cursor().copy(query, (job,)) as copy:  # psycopg binds COPY's params client-side
                    parts.append(b"".join(bytes(chunk) for chunk in copy))
            docs.append((parts[0], parts[1]))
    into_event = sql.SQL("COPY trace_event ({}) FROM STDIN").format(
        sql.SQL(", ").join(map(sql.Identifier, event_cols))
    )
    into_epc = sql.SQL("COPY trace_eventepc ({}) FROM STDIN").format(
        sql.SQL(", ").join(map(sql.Identifier, epc_cols))
    )
    return docs, [into_event, into_epc]


def run_floor(docs: list[tuple], statements: list[Any], clients: int) -> dict[str, Any]:
    """The documents' rows by bare COPY: `clients` connections, each document its own transaction."""
    import psycopg

    queue = list(docs)
    lock = threading.Lock()
    latencies: list[float] = []
    n_events = sum(d[0].count(b"\n") for d in docs)
    n_epcs = sum(d[1].count(b"\n") for d in docs)
    conns = [psycopg.connect(DB_URL) for _ in range(clients)]

    def client(conn: Any) -> None:
        while True:
            with lock:
                if not queue:
                    return
                doc = queue.pop()
            t0 = time.perf_counter()
            with conn.transaction(), conn.cursor() as cursor:
                for statement, data in zip(statements, doc, strict=True):
                    with cursor.copy(statement) as copy:
                        copy.write(data)
            ms = (time.perf_counter() - t0) * 1000
            with lock:
                latencies.append(ms)

    threads = [threading.Thread(target=client, args=(c,)) for c in conns]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    for c in conns:
        c.close()
    return {
        "documents": len(docs),
        "events": n_events,
        "identifier_rows": n_epcs,
        "clients": clients,
        "wall_s": round(wall, 2),
        "events_per_s": round(n_events / wall, 1),
        "document_latency": summary(latencies),
    }


# Load -------------------------------------------------------------------------------------------------


class Factory:
    """A plausible stream of a cut-and-sew floor's events, with lineage: roll -> lay -> bundle -> garment."""

    def __init__(self, facility: str, skus: list[str], rng: random.Random, start: datetime) -> None:
        from seamline.trace import events as ev

        self.ev, self.facility, self.skus, self.rng = ev, facility, skus, rng
        self.when = start
        self.roll: str | None = None
        self.roll_left = Decimal(0)
        self.lay = 0
        self.recycler = f"urn:seamline:facility:{uuid.UUID(int=rng.getrandbits(128))}"

    def _uid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def _tick(self) -> datetime:
        self.when += timedelta(seconds=self.rng.randint(5, 40))
        return self.when

    def _receive(self) -> dict[str, Any]:
        from seamline.catalog import events as catalog_ev

        self.roll = self.ev.roll_uri(self._uid())
        self.roll_left = Decimal(self.rng.randint(2500, 3500)) / 100
        return catalog_ev.roll_received(
            roll=self.roll,
            material_class=self.ev.material_class_uri(1),
            meters=self.roll_left,
            facility=self.facility,
            when=self._tick(),
            certifications=[
                {"scheme": "GOTS", "number": "CU-1234", "expires": (self.when + timedelta(days=900)).date()}
            ],
        )

    def lay_events(self, garments_out: list[str]) -> list[dict[str, Any]]:
        """One lay: the rolls it needs received, the cut, then every bundle through to shipping."""
        from seamline.cutting import events as cutting_ev
        from seamline.floor import events as floor_ev

        ev, fac = self.ev, self.facility
        out: list[dict[str, Any]] = []
        need = Decimal(self.rng.randint(2000, 3000)) / 100
        inputs = []
        while need > 0:
            if self.roll is None or self.roll_left <= 0:
                out.append(self._receive())
            take = min(need, self.roll_left)
            inputs.append((self.roll, take))
            self.roll_left -= take
            need -= take
        self.lay += 1
        bundles = [
            {
                "uri": ev.bundle_uri(self._uid()),
                "size": SIZES[i % 5],
                "plies": f"1-{GARMENTS_PER_BUNDLE}",
                "pieces": 9 * GARMENTS_PER_BUNDLE,
            }
            for i in range(8)
        ]
        out.append(
            cutting_ev.lay_cut(
                inputs=inputs,
                bundles=bundles,
                facility=fac,
                when=self._tick(),
                order_number=f"PO-{self.lay // 20:05d}",
                operator=f"cutter-{self.lay % 3}",
                energy_kwh=2.5,
            )
        )
        cartons = []
        for i, bundle in enumerate(bundles):
            gs = [ev.garment_uri(self._uid()) for _ in range(GARMENTS_PER_BUNDLE)]
            garments_out.extend(gs)
            out.append(
                floor_ev.sewn(
                    bundles=[bundle["uri"]],
                    garments=gs,
                    sku=self.skus[i % 5],
                    facility=fac,
                    when=self._tick(),
                    operator=f"op-{self.rng.randint(1, 17)}",
                )
            )
            out.append(
                floor_ev.finished(
                    epcs=gs,
                    step="laser_washing",
                    facility=fac,
                    when=self._tick(),
                    energy_kwh=1.25,
                    water_l=12.5,
                )
            )
            out.append(
                floor_ev.finished(epcs=gs, step="pressing", facility=fac, when=self._tick(), energy_kwh=0.4)
            )
            out += [
                floor_ev.inspected(epcs=[g], facility=fac, when=self._tick(), passed=self.rng.random() > 0.02)
                for g in gs
            ]
            carton = ev.carton_uri(self._uid())
            cartons.append(carton)
            out.append(floor_ev.packed(carton=carton, garments=gs, facility=fac, when=self._tick()))
        out.append(
            floor_ev.departed(epcs=cartons, facility=fac, when=self._tick(), destination=self.recycler)
        )
        out.append(floor_ev.arrived(epcs=cartons, when=self._tick(), location=self.recycler))
        out.append(
            cutting_ev.offcuts_shipped(
                material_class_offcut=ev.offcut_class_uri(1),
                mass_kg=1.5,
                facility=fac,
                recycler=self.recycler,
                when=self._tick(),
            )
        )
        return out


def load(s: dict[str, Any], target: int, rng: random.Random) -> tuple[dict[str, Any], list[str]]:
    from seamline.trace.events import document_context
    from seamline.trace.models import Event
    from seamline.trace.services import record_events

    have = Event.objects.filter(organization=s["factory"]).count()
    start = datetime.now(UTC) - timedelta(days=3) - timedelta(seconds=30 * (target - have))
    floor = Factory(s["facility"], s["skus"], rng, start)
    context = document_context()
    garments: list[str] = []
    pending: list[dict[str, Any]] = []
    t0 = time.perf_counter()
    loaded, last = 0, 0
    mix: dict[str, int] = {}
    lay_ends: list[tuple[int, int]] = []  # (events generated up to the lay's end, garments so far)
    while have + loaded < target:
        while len(pending) < 2000:
            pending += floor.lay_events(garments)
            lay_ends.append((loaded + len(pending), len(garments)))
        batch = pending[: min(2000, target - have - loaded)]
        pending = pending[len(batch) :]
        record_events(organization=s["factory"], events=batch, context=context, brand=s["brand"])
        for e in batch:
            step = e.get("bizStep", "").rsplit("/", 1)[-1]
            mix[step] = mix.get(step, 0) + 1
        loaded += len(batch)
        if loaded - last >= 50_000 or have + loaded >= target:
            last = loaded
            rate = loaded / (time.perf_counter() - t0)
            print(f"  loaded {have + loaded:>9,} events  ({rate:,.0f} events/s)", flush=True)
    wall = time.perf_counter() - t0
    # only garments whose whole lay went in (the last lays generated may be cut off at the target)
    garments = garments[: max((g for end, g in lay_ends if end <= loaded), default=0)]
    return {
        "loaded": loaded,
        "wall_s": round(wall, 1),
        "events_per_s": round(loaded / wall, 1),
        "mix": dict(sorted(mix.items(), key=lambda kv: -kv[1])),
    }, garments


# Lineage ----------------------------------------------------------------------------------------------


def lineage_walk(organization: Any, garment_epc: str) -> dict[str, Any]:
    """Garment events -> the sewing event's bundles -> the cuts making them -> rolls (meters) -> receipts."""
    from seamline.trace.models import EventEpc
    from seamline.trace.selectors import events_about

    events = events_about(organization=organization, epcs=[garment_epc])
    sewing = [
        r["event_id"] for r in EventEpc.objects.filter(epc=garment_epc, role="output").values("event_id")
    ]
    bundles = list(EventEpc.objects.filter(event_id__in=sewing, role="input").values_list("epc", flat=True))
    cuts = list(EventEpc.objects.filter(epc__in=bundles, role="output").values_list("event_id", flat=True))
    rolls = list(EventEpc.objects.filter(event_id__in=cuts, role="in_class").values_list("epc", "quantity"))
    received = events_about(organization=organization, epcs=[r for r, _ in rolls])
    receipts = [e for e in received if e.biz_step.endswith("receiving")]
    return {"events": events, "bundles": bundles, "cuts": cuts, "rolls": rolls, "receipts": receipts}


def run_lineage(s: dict[str, Any], garments: list[str], n: int, rng: random.Random) -> dict[str, Any]:
    sample = rng.sample(garments, n)
    if importlib.util.find_spec("seamline.lineage.selectors") is not None:
        from seamline.lineage.selectors import garment_lineage

        walk, name = (
            (lambda g: garment_lineage(organization=s["factory"], garment_epc=g)),
            "lineage.garment_lineage",
        )
    else:
        walk, name = (lambda g: lineage_walk(s["factory"], g)), "bench walk over EventEpc (no lineage module)"
    for g in sample[:20]:  # warm
        walk(g)
    ms, incomplete = [], 0
    for g in sample:
        t0 = time.perf_counter()
        result = walk(g)
        ms.append((time.perf_counter() - t0) * 1000)
        # a lineage must reach the rolls (and their receipts, for the bench's own walk)
        if result is None or (
            not (result["rolls"] and result["receipts"])
            if isinstance(result, dict)
            else not getattr(result, "rolls", None)
        ):
            incomplete += 1
    return {"function": name, **summary(ms), "incomplete": incomplete}


def run_match_epc(s: dict[str, Any], garments: list[str], n: int, rng: random.Random) -> dict[str, Any]:
    import httpx

    headers = {"Authorization": f"Bearer {s['key']}", "Accept": "application/ld+json"}
    ms, statuses, counts = [], {}, []
    with httpx.Client(base_url=f"http://127.0.0.1:{PORT}", headers=headers, timeout=60) as http:
        for g in rng.sample(garments, 20):
            http.get("/epcis/events", params={"MATCH_epc": g})
        for g in rng.sample(garments, n):
            t0 = time.perf_counter()
            r = http.get("/epcis/events", params={"MATCH_epc": g})
            ms.append((time.perf_counter() - t0) * 1000)
            statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
            if r.status_code == 200:
                counts.append(len(r.json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]))
    return {
        **summary(ms),
        "statuses": statuses,
        "events_per_answer": round(statistics.fmean(counts), 2) if counts else 0,
    }


def run_verify() -> dict[str, Any]:
    env = os.environ | {"DATABASE_URL": DB_URL}
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "seamline", "trace", "verify"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - t0
    return {
        "wall_s": round(wall, 2),
        "returncode": proc.returncode,
        "output": (proc.stdout + proc.stderr).strip(),
    }


def capture_floor(s: dict[str, Any], cap: dict[str, Any], clients: int) -> dict[str, Any]:
    """The COPY floor of the timed capture (the warm-up documents left out): its rows, copied."""
    from seamline.accounts.services import organization_create
    from seamline.trace.models import CaptureJob, Event

    jobs = list(
        CaptureJob.objects.filter(organization=s["factory"]).order_by("pk").values_list("pk", flat=True)
    )[WARM_DOCS:]
    floor_org = organization_create(name="Trace Floor", kind="factory", slug="trace-floor")
    docs, statements = floor_rows(s["factory"].pk, floor_org.pk, jobs)
    fl = run_floor(docs, statements, clients)
    fl["events_stored"] = Event.objects.filter(organization=floor_org).count()
    fl["capture_ratio"] = round(cap["events_per_s"] / fl["events_per_s"], 4)
    return fl


# Main -------------------------------------------------------------------------------------------------


def main() -> int:
    global DB_URL, PORT
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--docs", type=int, default=400, help="capture documents of 100 events")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--database", help="database name (dropped and re-created) instead of the default")
    parser.add_argument("--port", type=int, default=PORT, help="the server port (8767 may be taken)")
    parser.add_argument(
        "--capture-only", action="store_true", help="only step 1 (writes bench/out/trace_capture.json)"
    )
    args = parser.parse_args()
    rng = random.Random(2605)

    PORT = args.port
    name = args.database or (CAPTURE_DB if args.capture_only else TRACE_DB)
    DB_URL = f"postgres://postgres@127.0.0.1:5432/{name}"
    ensure_database(name, fresh=True)
    setup_django(DB_URL)
    from django.db import connection

    from seamline.trace.models import Event
    from seamline.trace.services import chain_verify

    t0 = time.perf_counter()
    s = seed(args.docs + WARM_DOCS)
    print(
        f"seeded {len(s['garments']):,} garments for the capture in {time.perf_counter() - t0:.0f} s",
        flush=True,
    )
    warm, docs = (lambda d: (d[:WARM_DOCS], d[WARM_DOCS:]))(capture_documents(s, args.docs + WARM_DOCS))
    env = os.environ | {"DATABASE_URL": DB_URL, "ALLOWED_HOSTS": "127.0.0.1,localhost"}
    server = subprocess.Popen(
        [sys.executable, "-m", "seamline", "serve", "--port", str(PORT), "--workers", str(args.workers)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    report: dict[str, Any] = {"machine": machine(), "args": vars(args), "targets": TARGETS}
    checks: dict[str, bool] = {}
    try:
        wait_ready(PORT)
        # warm both workers (the schema validators compile on first use); these events count as stored
        run_capture(s, warm, 2)
        cap = run_capture(s, docs, args.clients)
        if cap["statuses"] != {202: args.docs}:
            print(f"capture answered {cap['statuses']}, not {args.docs} x 202: no floor", flush=True)
            return 1
        captured = Event.objects.filter(organization=s["factory"]).count()
        broken = chain_verify(s["factory"])
        cap["events_stored"] = captured
        cap["chain_ok"] = broken is None
        checks["capture exact"] = captured == cap["events"] + 100 * WARM_DOCS and cap["statuses"] == {
            202: args.docs
        }
        checks["capture chain"] = broken is None
        report["capture"] = cap
        fl = capture_floor(s, cap, args.clients)
        report["copy_floor"] = fl
        checks["floor exact"] = fl["events"] == cap["events"] and fl["events_stored"] == cap["events"]
        print(
            f"capture: {cap['events_per_s']:,.0f} events/s  doc p50 {cap['document_latency']['p50_ms']} ms"
            f"  p95 {cap['document_latency']['p95_ms']} ms  stored {captured:,}  statuses {cap['statuses']}"
            f"  chain {'ok' if broken is None else broken}",
            flush=True,
        )
        print(
            f"COPY floor: {fl['events_per_s']:,.0f} events/s  doc p50 {fl['document_latency']['p50_ms']} ms"
            f"  p95 {fl['document_latency']['p95_ms']} ms  stored {fl['events_stored']:,}"
            f"  -> capture is {fl['capture_ratio']:.1%} of the floor (target >= 40%)",
            flush=True,
        )

        if not args.capture_only:
            ld, garments = load(s, args.events, rng)
            report["load"] = ld
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            total = Event.objects.count()
            chain = Event.objects.filter(organization=s["factory"]).count()
            report["events_total"], report["events_factory"] = total, chain
            # the factory's chain holds exactly --events; the COPY floor's rows sit apart, in another org
            checks["loaded exact"] = chain == args.events
            print(
                f"load: {ld['loaded']:,} in {ld['wall_s']} s ({ld['events_per_s']:,.0f} events/s);"
                f" factory chain {chain:,}, all organizations {total:,}",
                flush=True,
            )

            lin = run_lineage(s, garments, args.samples, rng)
            report["lineage"] = lin
            print(
                f"lineage ({lin['function']}): p50 {lin['p50_ms']} p95 {lin['p95_ms']} p99 {lin['p99_ms']} ms"
                f"  incomplete {lin['incomplete']}",
                flush=True,
            )
            q = run_match_epc(s, garments, args.samples, rng)
            report["match_epc"] = q
            checks["match_epc 200"] = set(q["statuses"]) == {200}
            print(
                f"GET MATCH_epc: p50 {q['p50_ms']} p95 {q['p95_ms']} p99 {q['p99_ms']} ms"
                f"  statuses {q['statuses']}"
                f"  events/answer {q['events_per_answer']}",
                flush=True,
            )
    finally:
        stop_server(server)
    if not args.capture_only:
        v = run_verify()
        report["verify"] = v
        checks["verify ok"] = v["returncode"] == 0
        print(f"verify: {v['wall_s']} s  rc {v['returncode']}  {v['output'][:200]}", flush=True)
    report["checks"] = checks
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    stem = "trace_capture" if args.capture_only else "trace"
    file = f"{stem}.json" if args.database is None else f"{stem}_{args.database}.json"
    (out / file).write_text(json.dumps(report, indent=2, default=str))
    print(f"checks: {checks}\nmachine: {report['machine']}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
