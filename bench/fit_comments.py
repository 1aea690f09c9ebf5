"""Issue #17: a live fit session's comments at the webhook while the board follows, through the real server on
PostgreSQL.

    .venv/bin/python bench/fit_comments.py [--comments 5000] [--minutes 10] [--duplicates 0.05]

Seeds (once) a database `seamline_fitbench` with a brand, its owner and a style; each run makes a fresh live
session through fitting.sessions and starts `seamline serve` (granian, ASGI) on port 8771. A relay posts the
comments to the webhook one by one (batches of 1, as a relay that forwards each comment as it comes), at
Poisson arrivals averaging `--comments` over `--minutes`, on one keep-alive connection: about 60% of them
name a theme ("neckline 2cm deeper pls"), the rest are chatter; a share (`--duplicates`) re-sends an earlier
comment with more likes, as relays do. Meanwhile a signed-in client follows the board's Server-Sent Events
(/fitting/sessions/<uid>/events, reconnecting when the server ends a stream).

The lag of a comment: from the moment its POST was sent to the arrival of the first board event whose
comment count includes it (the k-th new comment is in every event counting k or more: only the relay posts,
one call at a time). Reported: p50/p95/p99/max of that lag (target: the board at most 1 s behind), the
webhook's latency, every non-200 answer and the tracebacks in the server's log. Writes
bench/out/fit_comments.json.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import json
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB = "seamline_fitbench"
DB_URL = os.environ.get("FITBENCH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{DB}")
PORT = 8771

sys.path.insert(0, str(ROOT / "bench"))
from common import ensure_database, machine, setup_django, stop_server, wait_ready  # noqa: E402
from loadgen import HttpConnection  # noqa: E402

THEMED = [
    "neckline {n}cm deeper please",
    "can the neck be lower? like {n} cm",
    "deeper v-neck!!",
    "the neckline is too high for me",
    "sleeves shorter pls",
    "hem {n} cm longer would be perfect",
    "make it longer",
    "needs pockets",
    "add pockets!!",
    "straps thinner?",
    "waist a bit tighter",
    "too tight on the hips",
    "do it in black, the colour is everything",
    "fabric looks sheer, add a lining",
    "shorter hem, midi length",
    "the slit higher pls",
]
CHATTER = [
    "love this 😍",
    "where are you based?",
    "omg yes",
    "hi from Lisbon",
    "how much??",
    "need this for my sister's wedding",
    "the model is glowing",
    "🔥🔥🔥",
    "is it silk?",
    "when does it drop",
]


def seed(run: str, minutes: float) -> tuple[str, str, str]:
    """(session uid, webhook secret, session cookie of the brand's owner)."""
    from django.contrib.auth.models import User
    from django.db import transaction
    from django.test import Client
    from django.utils import timezone

    from seamline.accounts.models import Organization
    from seamline.accounts.services import member_add, organization_create
    from seamline.catalog.models import Style
    from seamline.catalog.services import style_create
    from seamline.fitting.sessions import session_create

    with transaction.atomic():
        brand = Organization.objects.filter(slug="fitbench-brand").first()
        if brand is None:
            brand = organization_create(name="Fit Bench Atelier", kind="brand", slug="fitbench-brand")
            member_add(
                organization=brand,
                email="owner@fitbench.example",
                password="fit-bench-pass",
                role="owner",
                name="Owner",
            )
            style_create(
                organization=brand,
                code="SLIP-01",
                name="Bias-cut slip dress",
                category="Dresses",
                sizes=["XS", "S", "M", "L"],
                colourways=["Ink"],
            )
        style = Style.objects.get(organization=brand, code="SLIP-01")
        session, secret = session_create(
            brand=brand,
            style=style,
            title=f"Bench fitting {run}",
            starts_at=timezone.now() - timedelta(minutes=1),
            stream_url="https://www.tiktok.com/@fitbench/live",
        )
    user = User.objects.get(email="owner@fitbench.example")
    client = Client()
    client.force_login(user)
    return str(session.uid), secret, client.cookies["sessionid"].value


def plan(n: int, minutes: float, duplicates: float, seed_: int) -> list[tuple[float, dict, bool]]:
    """(seconds from the start, comment, new?) at Poisson arrivals."""
    rng = random.Random(seed_)
    rate = n / (minutes * 60)
    t, out, sent = 0.0, [], []
    start = datetime.now(UTC)
    for i in range(n):
        t += rng.expovariate(rate)
        if sent and rng.random() < duplicates:
            again = dict(rng.choice(sent))
            again["likes"] += rng.randint(1, 20)
            out.append((t, again, False))
            continue
        text = (
            rng.choice(THEMED).format(n=rng.choice([1, 2, 2, 2, 3]))
            if rng.random() < 0.6
            else rng.choice(CHATTER)
        )
        c = {
            "platform": "tiktok",
            "comment_id": f"{seed_}-{i}",
            "author": f"@viewer{rng.randint(1, 900)}",
            "text": text,
            "time": (start + timedelta(seconds=t)).isoformat().replace("+00:00", "Z"),
            "likes": rng.choice([0, 0, 0, 1, 2, 5]),
        }
        sent.append(c)
        out.append((t, c, True))
    return out


async def follow_board(
    port: int,
    uid: str,
    cookie: str,
    events: list[tuple[float, int]],
    stop: asyncio.Event,
    reconnects: list[int],
) -> None:
    """Follow the board's events, recording (arrival, comment count); reconnect when a stream ends."""
    import httpx

    url = f"http://127.0.0.1:{port}/fitting/sessions/{uid}/events"
    async with httpx.AsyncClient(
        timeout=httpx.Timeout(30.0, read=None), cookies={"sessionid": cookie}
    ) as client:
        while not stop.is_set():
            try:
                async with client.stream("GET", url, headers={"Accept": "text/event-stream"}) as response:
                    if response.status_code != 200:
                        raise RuntimeError(f"the board's stream answered {response.status_code}")
                    async for line in response.aiter_lines():
                        if line.startswith("data: "):
                            now = time.monotonic()
                            events.append((now, json.loads(line[6:])["total"]))
                        if stop.is_set():
                            return
            except (httpx.HTTPError, OSError):
                await asyncio.sleep(0.1)
            reconnects.append(1)


async def relay(port: int, uid: str, secret: str, schedule: list, sends: list, errors: list) -> None:
    conn = HttpConnection("127.0.0.1", port)
    path = f"/api/v1/fit-sessions/{uid}/comments"
    headers = {"Content-Type": "application/json", "X-Seamline-Secret": secret}
    start = time.monotonic()
    for at, c, _ in schedule:
        delay = start + at - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        sent = time.monotonic()
        body = json.dumps(c).encode()
        try:
            status, _, data = await conn.request("POST", path, headers, body)
        except (TimeoutError, OSError, asyncio.IncompleteReadError) as exc:
            status, data = 0, str(exc).encode()
        done = time.monotonic()
        answer = {}
        if status == 200:
            answer = json.loads(data)
        else:
            errors.append(
                {"status": status, "body": data[:300].decode(errors="replace"), "comment": c["comment_id"]}
            )
        sends.append(
            {
                "sent": sent,
                "done": done,
                "late_s": sent - (start + at),
                "status": status,
                "new": answer.get("new", 0),
            }
        )
    conn.close()


async def run(port: int, uid: str, secret: str, cookie: str, schedule: list) -> dict:
    events: list[tuple[float, int]] = []
    sends: list[dict] = []
    errors: list[dict] = []
    stop = asyncio.Event()
    reconnects: list[int] = []
    follower = asyncio.create_task(follow_board(port, uid, cookie, events, stop, reconnects))
    while not events:  # the board's first event: the stream is open
        await asyncio.sleep(0.05)
        if follower.done():
            raise SystemExit(f"the board's stream failed: {follower.exception()}")
    await relay(port, uid, secret, schedule, sends, errors)
    await asyncio.sleep(2.0)  # the last comments reach the board
    stop.set()
    follower.cancel()  # it may wait for a heartbeat
    return {"events": events, "sends": sends, "errors": errors, "reconnects": len(reconnects)}


def pct(data: list[float], p: float) -> float:
    data = sorted(data)
    k = max(0, min(len(data) - 1, round(p / 100 * len(data) + 0.5) - 1))
    return data[k]


def analyse(result: dict) -> dict:
    events, sends = result["events"], result["sends"]
    totals = [n for _, n in events]
    lags, missing, k = [], 0, 0
    for s in sends:
        if s["status"] != 200 or not s["new"]:
            continue
        k += s["new"]
        i = bisect.bisect_left(totals, k)
        if i == len(events):
            missing += 1
            continue
        lags.append(events[i][0] - s["sent"])
    latency = [1000 * (s["done"] - s["sent"]) for s in sends]
    return {
        "posted": len(sends),
        "new": k,
        "duplicates_sent": sum(1 for s in sends if s["status"] == 200 and not s["new"]),
        "statuses": {
            str(st): sum(1 for s in sends if s["status"] == st) for st in sorted({s["status"] for s in sends})
        },
        "board_events": len(events),
        "board_final_total": totals[-1] if totals else 0,
        "stream_reconnects": result["reconnects"],
        "lag_s": {
            "p50": round(pct(lags, 50), 3),
            "p95": round(pct(lags, 95), 3),
            "p99": round(pct(lags, 99), 3),
            "max": round(max(lags), 3),
            "mean": round(statistics.fmean(lags), 3),
            "over_1s": sum(1 for x in lags if x > 1.0),
            "never_seen": missing,
        }
        if lags
        else {},
        "webhook_ms": {
            "p50": round(pct(latency, 50), 1),
            "p99": round(pct(latency, 99), 1),
            "max": round(max(latency), 1),
        },
        "relay_late_s_max": round(max(s["late_s"] for s in sends), 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--comments", type=int, default=5000)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--duplicates", type=float, default=0.05, help="share of posts that repeat a comment")
    parser.add_argument("--port", type=int, default=PORT)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--fresh", action="store_true", help="drop and re-create the bench database")
    args = parser.parse_args()

    ensure_database(DB, fresh=args.fresh)
    setup_django(DB_URL)
    run_id = time.strftime("%Y%m%d%H%M%S")
    uid, secret, cookie = seed(run_id, args.minutes)
    schedule = plan(args.comments, args.minutes, args.duplicates, args.seed)
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    log = out / "fit_comments.server.log"
    env = os.environ | {"DATABASE_URL": DB_URL, "ALLOWED_HOSTS": "127.0.0.1,localhost"}
    server = subprocess.Popen(
        [sys.executable, "-m", "seamline", "serve", "--port", str(args.port), "--workers", str(args.workers)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    try:
        wait_ready(args.port)
        result = asyncio.run(run(args.port, uid, secret, cookie, schedule))
    finally:
        stop_server(server)
    report = analyse(result)
    text = log.read_text(errors="replace")
    report["server_tracebacks"] = text.count("Traceback")
    report["errors"] = result["errors"][:20]
    report["machine"] = machine()
    report["args"] = vars(args)
    report["session"] = uid
    (out / "fit_comments.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    lag = report["lag_s"]
    print(
        f"\n{report['posted']} posts ({report['new']} new) in {args.minutes} min; board lag"
        f" p50 {lag.get('p50')} s, p95 {lag.get('p95')} s, p99 {lag.get('p99')} s, max {lag.get('max')} s;"
        f" statuses {report['statuses']}; server tracebacks {report['server_tracebacks']}"
    )
    return 0 if report["statuses"].keys() == {"200"} and lag and lag["p99"] <= 1.0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
