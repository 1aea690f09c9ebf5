"""Issue #3: a live-stream rush on a 70-unit drop, through the real server on PostgreSQL.

    .venv/bin/python bench/drop_rush.py [--buyers 2000] [--concurrency 150] [--viewers 200] [--seconds 10]

Seeds (once) a database `seamline_rush` with a brand, a factory with a facility and a 5-size style. Each run
creates a fresh drop through drops.services (run cap 70 over 5 sizes, 2 per customer, funded at 50, open for
an hour) and starts `seamline serve` (granian, ASGI) against it. Then the buyers race on keep-alive
connections: each POSTs 1-2 units of a random size with its own Idempotency-Key and retries up to 3 times,
with the same key and body, on a connection error or a 5xx. A share of them (`--double-tap`) send twice at
once, as a double click or a client retrying while its first request still runs. Afterwards every created
pre-order is replayed, the answers are checked against the database and the payment holds, and `--viewers`
clients GET the drop page for `--seconds`. Writes bench/out/drop_rush.json; exits 1 when a correctness count
fails (the speed targets are reported, not enforced).
Targets (issue #3, 2 cores): >= 400 pre-order attempts/s with p99 < 300 ms; >= 1,500 drop-page GETs/s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUSH_DB = "seamline_rush"
DB_URL = os.environ.get("RUSH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{RUSH_DB}")
RUN_CAP, THRESHOLD, LIMIT = 70, 50, 2
SIZES = ["XS", "S", "M", "L", "XL"]
ZIPS = ["90015", "90021", "90058", "90033", "90013", "90011", "94110", "10001", "60614", "98101"]
RETRIES = 3

sys.path.insert(0, str(ROOT / "bench"))
from common import ensure_database, machine, setup_django, stop_server, wait_ready  # noqa: E402
from loadgen import HttpConnection, LoadResult, run_load  # noqa: E402


def seed(run: str) -> tuple[str, str, list[str]]:
    """The brand, factory and style (once); a fresh live rush drop and a warm-up drop for this run."""
    from django.db import transaction
    from django.utils import timezone

    from seamline.accounts.models import Organization
    from seamline.accounts.services import organization_create
    from seamline.catalog.models import Style
    from seamline.catalog.services import style_create
    from seamline.drops.services import drop_create, drop_open
    from seamline.facilities.services import facility_create

    with transaction.atomic():
        brand = Organization.objects.filter(slug="rush-brand").first()
        if brand is None:
            brand = organization_create(name="Rush Brand", kind="brand", slug="rush-brand")
            factory = organization_create(name="Rush Factory", kind="factory", slug="rush-factory")
            facility_create(
                organization=factory,
                name="Floor 1",
                kind="cut_and_sew",
                street="1251 E Olympic Blvd",
                zip_code="90021",
            )
            style_create(
                organization=brand,
                code="RUSH-TEE",
                name="Rush Tee",
                category="Tops",
                sizes=SIZES,
                colourways=["Ink"],
            )
        factory = Organization.objects.get(slug="rush-factory")
        style = Style.objects.get(organization=brand, code="RUSH-TEE")
        skus = [v.sku for v in style.variants.order_by("position")]
        now = timezone.now()
        slugs = []
        for name, cap in ((f"rush-{run}", RUN_CAP), (f"warm-{run}", 100_000)):
            drop = drop_create(
                brand=brand,
                factory=factory,
                style=style,
                title=f"Rush Tee {name}",
                slug=name,
                prices=dict.fromkeys(skus, "45.00"),
                run_cap=cap,
                threshold_units=THRESHOLD,
                per_customer_limit=LIMIT,
                opens_at=now - timedelta(seconds=5),
                closes_at=now + timedelta(hours=1),
            )
            drop_open(drop=drop)
            slugs.append(drop.slug)
    return slugs[0], slugs[1], skus


@dataclass
class Send:
    """One buyer's request as sent once (a double tap is two Sends of the same buyer)."""

    buyer: int
    key: str
    body: bytes
    units: int
    attempts: list[tuple[int, float]] = field(default_factory=list)  # (status or 0 for a failed exchange, ms)
    answer: dict = field(default_factory=dict)

    @property
    def status(self) -> int:
        return self.attempts[-1][0] if self.attempts else 0


def buyers(n: int, skus: list[str], run: str, double_tap: float, seed: int) -> list[Send]:
    rng = random.Random(seed)
    sends = []
    for i in range(n):
        units = rng.choice([1, 2])
        body = {
            "name": f"Buyer {i}",
            "email": f"buyer{i}.{run}@rush.example",
            "street": f"{100 + i} Main St",
            "city": "",
            "zip_code": rng.choice(ZIPS),
            "quantities": {rng.choice(skus): units},
        }
        send = Send(buyer=i, key=str(uuid.uuid4()), body=json.dumps(body).encode(), units=units)
        sends.append(send)
        if rng.random() < double_tap:  # the twin goes right behind, so another connection picks it up at once
            sends.append(Send(buyer=i, key=send.key, body=send.body, units=units))
    return sends


def post_headers(key: str) -> dict[str, str]:
    return {"Content-Type": "application/json", "Accept": "application/json", "Idempotency-Key": key}


async def post(conn: HttpConnection, path: str, send: Send) -> None:
    """POST, then up to RETRIES more times with the same key and body after a failed exchange or a 5xx."""
    for _ in range(1 + RETRIES):
        t0 = time.perf_counter()
        try:
            status, _, raw = await conn.request("POST", path, post_headers(send.key), send.body)
        except (TimeoutError, OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            send.attempts.append((0, (time.perf_counter() - t0) * 1000))
            continue
        send.attempts.append((status, (time.perf_counter() - t0) * 1000))
        if status < 500:
            send.answer = json.loads(raw) if raw else {}
            return


async def rush(port: int, slug: str, warm_slug: str, sends: list[Send], concurrency: int) -> float:
    """Warm every connection on another drop (the audience was on the site before), then race; wall time."""
    path = f"/api/v1/drops/{slug}/preorders"
    conns = [HttpConnection("127.0.0.1", port) for _ in range(concurrency)]
    warm = [
        Send(buyer=-1, key=str(uuid.uuid4()), body=s.body.replace(b"rush.example", b"warm.example"), units=0)
        for s in sends[:concurrency]
    ]
    warm_path = f"/api/v1/drops/{warm_slug}/preorders"
    await asyncio.gather(*(post(c, warm_path, w) for c, w in zip(conns, warm, strict=True)))
    queue = iter(sends)

    async def worker(conn: HttpConnection) -> None:
        for send in queue:
            await post(conn, path, send)

    t0 = time.perf_counter()
    await asyncio.gather(*(worker(c) for c in conns))
    wall = time.perf_counter() - t0
    for c in conns:
        c.close()
    return wall


async def replays(port: int, slug: str, sends: list[Send]) -> dict:
    """After the rush: every created pre-order replayed (200, same id); a reused key with another body (409);
    a sample of keys that were only ever refused, asked again (409 again, and no hold left behind)."""
    conn, path = HttpConnection("127.0.0.1", port), f"/api/v1/drops/{slug}/preorders"
    created = {s.key: s for s in sends if s.status == 201}
    refused = {s.key: s for s in sends if s.status == 409}
    for s in sends:
        if s.status in (200, 201):
            refused.pop(s.key, None)
    out = Counter()
    for s in created.values():
        status, _, raw = await conn.request("POST", path, post_headers(s.key), s.body)
        ok = status == 200 and json.loads(raw).get("id") == s.answer["id"]
        out["replay_ok" if ok else "replay_wrong"] += 1
    for s in list(created.values())[:10]:
        other = s.body.replace(b'"Buyer ', b'"Someone else ')
        status, _, raw = await conn.request("POST", path, post_headers(s.key), other)
        ok = status == 409 and json.loads(raw).get("type", "").endswith("idempotency-key-reused")
        out["reused_key_refused" if ok else "reused_key_wrong"] += 1
    for s in list(refused.values())[:50]:
        status, _, raw = await conn.request("POST", path, post_headers(s.key), s.body)
        out["sold_out_again" if status == 409 else "sold_out_wrong"] += 1
    conn.close()
    return dict(out)


async def get_status(port: int, path: str) -> int:
    conn = HttpConnection("127.0.0.1", port)
    status = (await conn.request("GET", path, {"Accept": "text/html"}))[0]
    conn.close()
    return status


def check_database(slug: str) -> dict:
    from django.db.models import Count, Sum

    from seamline.drops.models import Drop, DropVariant, PaymentHold, PreOrder, PreOrderLine

    drop = Drop.objects.get(slug=slug)
    orders = PreOrder.objects.filter(drop=drop)
    holds = PaymentHold.objects.filter(drop=drop)
    per_email = orders.values("email").annotate(n=Sum("units")).filter(n__gt=drop.per_customer_limit)
    lines = PreOrderLine.objects.filter(preorder__drop=drop)
    line_sums = dict(lines.values_list("offer__variant__sku").annotate(n=Sum("quantity")))
    variant_sold = dict(DropVariant.objects.filter(drop=drop).values_list("variant__sku", "sold"))
    return {
        "state": drop.state,
        "drop_units_sold": drop.units_sold,
        "preorder_units": orders.aggregate(n=Sum("units"))["n"] or 0,
        "line_units": lines.aggregate(n=Sum("quantity"))["n"] or 0,
        "variant_sold": sum(variant_sold.values()),
        "variant_sold_matches_lines": all(variant_sold[k] == line_sums.get(k, 0) for k in variant_sold),
        "preorders": orders.count(),
        "keys_with_several_preorders": orders.values("idempotency_key")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count(),
        "customers_over_limit": per_email.count(),
        "holds": dict(
            Counter(
                f"{st}{'' if po else ' without pre-order'}"
                for st, po in holds.values_list("status", "preorder")
            )
        ),
        "authorized_holds_without_preorder": holds.filter(status="authorized", preorder__isnull=True).count(),
        "pending_holds_without_preorder": holds.filter(status="pending", preorder__isnull=True).count(),
        "preorders_without_live_hold": orders.exclude(hold__status__in=["authorized", "captured"]).count(),
    }


def analyse(sends: list[Send], wall_s: float, concurrency: int) -> tuple[dict, LoadResult]:
    """Counts from the answers the buyers got."""
    posts = LoadResult(path="POST /api/v1/drops/<slug>/preorders", concurrency=concurrency, wall_s=wall_s)
    for s in sends:
        for status, ms in s.attempts:
            posts.latencies_ms.append(ms)
            posts.statuses[status] = posts.statuses.get(status, 0) + 1
    by_key: dict[str, list[Send]] = defaultdict(list)
    for s in sends:
        by_key[s.key].append(s)
    created = [s for s in sends if s.status == 201]
    ids = [s.answer.get("id") for s in created]
    mixed = 0  # a key answered 2xx on one send and something else on its twin
    for twins in by_key.values():
        ok = {s.status in (200, 201) for s in twins}
        same_id = len({s.answer.get("id") for s in twins if s.status in (200, 201)}) <= 1
        mixed += len(ok) > 1 or not same_id
    counts = {
        "buyers": len(by_key),
        "sends": len(sends),
        "double_taps": sum(len(t) > 1 for t in by_key.values()),
        "attempts": posts.requests,
        "retried_sends": sum(len(s.attempts) > 1 for s in sends),
        "units_sold_201": sum(s.answer.get("units", 0) for s in created),
        "created_201": len(created),
        "distinct_201_ids": len(set(ids)),
        "keys_with_several_201": sum(sum(s.status == 201 for s in t) > 1 for t in by_key.values()),
        "replays_200_in_rush": sum(s.status == 200 for s in sends),
        "twins_answered_differently": mixed,
        "5xx": sum(n for st, n in posts.statuses.items() if st >= 500),
        "connection_errors": posts.statuses.get(0, 0),
        "rate_limited_429": posts.statuses.get(429, 0),
        "final_statuses": dict(sorted(Counter(s.status for s in sends).items())),
    }
    return counts, posts


def split_latency(sends: list[Send], status: int) -> dict:
    part = LoadResult(
        path="", concurrency=0, latencies_ms=[ms for s in sends for st, ms in s.attempts if st == status]
    )
    return {
        "n": part.requests,
        "p50_ms": round(part.percentile(50), 1),
        "p99_ms": round(part.percentile(99), 1),
    }


def start_server(port: int, workers: int, log: Path) -> subprocess.Popen:
    env = os.environ | {
        "DATABASE_URL": DB_URL,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SEAMLINE_PREORDER_RATE": os.environ.get("SEAMLINE_PREORDER_RATE", "1000000/s"),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "seamline", "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),  # a pipe nobody reads would stall the server once its errors fill it
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--buyers", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=150)
    parser.add_argument(
        "--double-tap", type=float, default=0.05, help="share of buyers who send twice at once"
    )
    parser.add_argument("--viewers", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--fresh", action="store_true", help="drop and re-create the rush database")
    args = parser.parse_args()

    ensure_database(RUSH_DB, fresh=args.fresh)
    setup_django(DB_URL)
    run = time.strftime("%Y%m%d%H%M%S")
    slug, warm_slug, skus = seed(run)
    sends = buyers(args.buyers, skus, run, args.double_tap, args.seed)
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    server = start_server(args.port, args.workers, out / "drop_rush.server.log")
    try:
        wait_ready(args.port)
        wall = asyncio.run(rush(args.port, slug, warm_slug, sends, args.concurrency))
        replay = asyncio.run(replays(args.port, slug, sends))
        page_path = f"/d/{slug}/"
        page_status = asyncio.run(get_status(args.port, page_path))
        if page_status != 200:
            page_path = f"/api/v1/drops/{slug}/status"
        page = asyncio.run(
            run_load(
                host="127.0.0.1",
                port=args.port,
                path=page_path,
                headers={"Accept": "text/html" if page_path.startswith("/d/") else "application/json"},
                concurrency=args.viewers,
                seconds=args.seconds,
            )
        )
    finally:
        stop_server(server)
    counts, posts = analyse(sends, wall, args.concurrency)
    db = check_database(slug)
    failures = {
        "units sold (201s) == 70": counts["units_sold_201"] == RUN_CAP,
        "database: Drop.units_sold == SUM(PreOrder.units) == SUM(lines) == SUM(DropVariant.sold) == 70": (
            db["drop_units_sold"] == db["preorder_units"] == db["line_units"] == db["variant_sold"] == RUN_CAP
        ),
        "DropVariant.sold matches the lines, per SKU": db["variant_sold_matches_lines"],
        "oversold == 0": max(counts["units_sold_201"], db["drop_units_sold"]) <= RUN_CAP,
        "one pre-order per Idempotency-Key": db["keys_with_several_preorders"] == 0
        and counts["keys_with_several_201"] == 0,
        "every 201 id distinct, one per pre-order": counts["distinct_201_ids"]
        == counts["created_201"]
        == db["preorders"],
        "twins (same key at once) got the same answer": counts["twins_answered_differently"] == 0,
        "replays after the rush: 200 with the same id": replay.get("replay_wrong", 0) == 0,
        "reused key with another body: 409": replay.get("reused_key_wrong", 0) == 0,
        "sold-out keys asked again: 409": replay.get("sold_out_wrong", 0) == 0,
        "no 5xx": counts["5xx"] == 0,
        "no 429 (rate limit set high)": counts["rate_limited_429"] == 0,
        "no customer above the per-customer limit": db["customers_over_limit"] == 0,
        "authorized holds without a pre-order == 0": db["authorized_holds_without_preorder"] == 0,
        "pending holds without a pre-order == 0": db["pending_holds_without_preorder"] == 0,
        "every pre-order has a live (authorized) hold": db["preorders_without_live_hold"] == 0,
        "drop funded": db["state"] == "funded",
    }
    rush_row, page_row = posts.row(), page.row()
    targets = {
        "attempts/s >= 400": rush_row["rps"] >= 400,
        "POST p99 < 300 ms": rush_row["p99_ms"] < 300,
        "drop page >= 1,500 GETs/s": page_row["rps"] >= 1500,
    }
    report = {
        "machine": machine(),
        "args": vars(args),
        "drop": slug,
        "rush": rush_row
        | {"wall_s": round(wall, 2), "by_status": {st: split_latency(sends, st) for st in (201, 409)}},
        "counts": counts,
        "replays": replay,
        "database": db,
        "page": page_row | {"path": page_path, "fallback_to_status_api": not page_path.startswith("/d/")},
        "correctness": failures,
        "targets": targets,
    }
    (out / "drop_rush.json").write_text(json.dumps(report, indent=2, default=str))
    print(json.dumps({"counts": counts, "replays": replay, "database": db}, indent=2, default=str))
    print(
        f"\nrush: {rush_row['requests']} attempts in {wall:.2f} s = {rush_row['rps']:.0f}/s on"
        f" {args.concurrency} connections; p50 {rush_row['p50_ms']} ms, p99 {rush_row['p99_ms']} ms;"
        f" statuses {rush_row['statuses']}"
    )
    print(f"  201s: {report['rush']['by_status'][201]}  409s: {report['rush']['by_status'][409]}")
    print(
        f"page: GET {page_path} x{args.viewers}: {page_row['rps']:.0f} req/s, p50 {page_row['p50_ms']} ms,"
        f" p99 {page_row['p99_ms']} ms, statuses {page_row['statuses']}"
        + (
            "  (the drop page /d/<slug>/ is not there yet: measured the status API)"
            if page_status != 200
            else ""
        )
    )
    for name, ok in failures.items():
        print(f"{'OK  ' if ok else 'FAIL'} {name}")
    for name, ok in targets.items():
        print(f"{'MET ' if ok else 'MISS'} {name}")
    print(f"machine: {report['machine']}")
    return 0 if all(failures.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
