"""API and dashboard latency under the real ASGI server on PostgreSQL.

    .venv/bin/python bench/api.py [--seconds 10] [--concurrency 20] [--workers 2]

Seeds (once) a database `seamline_bench` with 200 styles, 5,000 rolls and 2,000 production orders through the
services, starts `seamline serve` (granian, ASGI) against it, and drives each list endpoint and the dashboard
with closed-loop keep-alive clients. Prints p50/p95/p99 and requests/s; writes bench/out/api.json.
Target (issue #2): p95 < 50 ms at 20 concurrent clients on a 2-core machine.
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
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "seamline_bench"
DB_URL = os.environ.get("BENCH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{BENCH_DB}")
PORT = 8765
N_STYLES, N_ROLLS, N_ORDERS = 200, 5_000, 2_000

sys.path.insert(0, str(ROOT / "bench"))
from common import ensure_database, machine, setup_django, stop_server, wait_ready  # noqa: E402
from loadgen import run_load  # noqa: E402


def seed() -> dict:
    """Seed through the services; returns the bearer key and a session cookie of the brand's user."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import transaction

    from seamline.accounts.models import Organization
    from seamline.accounts.services import api_token_create, member_add, organization_create
    from seamline.catalog.services import (
        bom_line_add,
        material_create,
        roll_receive,
        routing_set,
        style_create,
    )
    from seamline.facilities.services import facility_create
    from seamline.production.services import production_order_create, production_order_transition

    rng = random.Random(2611)
    brand = Organization.objects.filter(slug="bench-brand").first()
    if brand is None:
        t0 = time.perf_counter()
        with transaction.atomic():
            brand = organization_create(name="Bench Brand", kind="brand", slug="bench-brand")
            factory = organization_create(name="Bench Factory", kind="factory", slug="bench-factory")
            member_add(organization=brand, email="bench@brand.example", password="bench-pass-1", role="owner")
            member_add(
                organization=factory, email="bench@factory.example", password="bench-pass-1", role="owner"
            )
            zips = ["90015", "90021", "90058", "90033", "90040", "90013", "90280", "90011"]
            facilities = [
                facility_create(
                    organization=factory,
                    name=f"Floor {i}",
                    kind="cut_and_sew",
                    street=f"{100 + i} Main St",
                    zip_code=z,
                )
                for i, z in enumerate(zips)
            ]
            materials = [
                material_create(
                    organization=brand,
                    name=f"Fabric {i:03d}",
                    composition={"cotton": 100},
                    weight_gsm=rng.choice(["140", "280", "457.7"]),
                    usable_width_cm=rng.choice(["80", "150"]),
                )
                for i in range(40)
            ]
            for i in range(N_ROLLS):
                roll_receive(
                    facility=rng.choice(facilities),
                    material=rng.choice(materials),
                    roll_id=f"R{i:05d}",
                    length_m=f"{rng.uniform(30, 60):.3f}",
                    shade_lot=f"LOT-{i // 25:03d}",
                )
            sizes = ["XS", "S", "M", "L", "XL"]
            styles = []
            for i in range(N_STYLES):
                style = style_create(
                    organization=brand,
                    code=f"ST-{i:03d}",
                    name=f"Style {i}",
                    category="Tops",
                    sizes=sizes,
                    colourways=["Ecru", "Ink"],
                )
                bom_line_add(
                    style=style,
                    material=rng.choice(materials),
                    placement="shell",
                    consumption=dict.fromkeys(sizes, "1.500"),
                )
                routing_set(
                    style=style, operations=[{"name": "Cut", "sam": "3"}, {"name": "Sew", "sam": "22"}]
                )
                styles.append((style, [v.sku for v in style.variants.all()]))
            for _ in range(N_ORDERS):
                style, skus = rng.choice(styles)
                order = production_order_create(
                    brand=brand,
                    factory=factory,
                    style=style,
                    due_date=date.today() + timedelta(days=rng.randint(7, 90)),
                    quantities={sku: rng.randint(5, 30) for sku in rng.sample(skus, 4)},
                )
                for target in ["planned", "cutting", "sewing"][: rng.randint(0, 3)]:
                    org = brand if target == "planned" else factory
                    production_order_transition(order=order, target=target, organization=org)
        print(f"seeded in {time.perf_counter() - t0:.0f} s", flush=True)
    from django.db import connection

    with connection.cursor() as cursor:  # planner statistics, as autovacuum would gather (it is off on CI)
        cursor.execute("ANALYZE")
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="bench@brand.example")
    _, key = api_token_create(organization=brand, name=f"bench {time.time():.0f}")
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return {"key": key, "session": session.session_key}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--fresh", action="store_true", help="drop and re-seed the bench database")
    args = parser.parse_args()

    ensure_database(BENCH_DB, fresh=args.fresh)
    setup_django(DB_URL)
    creds = seed()
    env = os.environ | {"DATABASE_URL": DB_URL, "ALLOWED_HOSTS": "127.0.0.1,localhost"}
    server = subprocess.Popen(
        [sys.executable, "-m", "seamline", "serve", "--port", str(PORT), "--workers", str(args.workers)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    rows = []
    try:
        wait_ready(PORT)
        api = {"Authorization": f"Bearer {creds['key']}", "Accept": "application/json"}
        browser = {"Cookie": f"sessionid={creds['session']}", "Accept": "text/html"}
        targets = [
            ("/api/v1/production-orders", api),
            ("/api/v1/rolls", api),
            ("/api/v1/styles", api),
            ("/api/v1/materials", api),
            ("/api/v1/facilities", api),
            ("/", browser),
        ]
        for path, headers in targets:
            result = asyncio.run(
                run_load(
                    host="127.0.0.1",
                    port=PORT,
                    path=path,
                    headers=headers,
                    concurrency=args.concurrency,
                    seconds=args.seconds,
                )
            )
            row = result.row()
            rows.append(row)
            ok = "OK " if row["p95_ms"] < 50 and set(row["statuses"]) == {200} else "MISS"
            print(
                f"{ok} {path:28} {row['rps']:7.1f} req/s  p50 {row['p50_ms']:5.1f} ms"
                f"  p95 {row['p95_ms']:5.1f} ms"
                f"  p99 {row['p99_ms']:5.1f} ms  statuses {row['statuses']}",
                flush=True,
            )
    finally:
        stop_server(server)
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    report = {
        "machine": machine(),
        "concurrency": args.concurrency,
        "seconds": args.seconds,
        "workers": args.workers,
        "rows": rows,
    }
    (out / "api.json").write_text(json.dumps(report, indent=2))
    print(f"machine: {report['machine']}")
    return 0 if all(r["p95_ms"] < 50 and set(r["statuses"]) == {200} for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
