"""A cut plan run by the real server's in-process worker (issue #11: the first plan on a fresh demo froze
the whole server, and Ctrl+C then did not stop it): pages keep answering while it nests, and the first
SIGINT ends the server and its planning process within seconds."""

from __future__ import annotations

import json
import os
import signal
import time
import urllib.request
from pathlib import Path

from seamline.cutting.models import CutPlan
from seamline.production.services import production_order_transition

from .conftest import SETTINGS


def _descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (from /proc: Linux)."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _api(url: str, token: str, data: dict | None = None) -> tuple[int, dict, float]:
    request = urllib.request.Request(
        url,
        data=json.dumps(data).encode() if data is not None else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    started = time.monotonic()
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, json.loads(response.read()), time.monotonic() - started


def test_a_plan_nests_beside_pages_and_the_first_sigint_stops_it_all(server_process, shop, brand, factory):
    order = shop["order"]
    production_order_transition(order=order, target="planned", organization=brand.org)
    production_order_transition(order=order, target="cutting", organization=factory.org)
    slow = {**SETTINGS, "seconds_per_garment": 20}  # minutes of nesting: still running when we stop
    base = server_process.url
    status, body, _ = _api(f"{base}/api/v1/production-orders/{order.pk}/cut-plans", factory.token, slow)
    assert status == 202
    deadline = time.monotonic() + 60
    while CutPlan.objects.get(pk=body["id"]).progress_pct == 0 and time.monotonic() < deadline:
        time.sleep(0.3)
    assert CutPlan.objects.get(pk=body["id"]).status == "running"

    answered = [_api(f"{base}/api/v1/me", factory.token)[2] for _ in range(5)]
    assert max(answered) < 2.0, f"the server stalled while nesting: {answered}"

    server = server_process.process
    below = _descendants(server.pid)
    assert below, "the plan should nest in a child process"
    stopped_at = time.monotonic()
    os.kill(server.pid, signal.SIGINT)
    server.wait(timeout=20)
    assert time.monotonic() - stopped_at < 15
    time.sleep(1)
    assert not [pid for pid in below if _alive(pid)], "a planning process outlived the server"
    plan = CutPlan.objects.get(pk=body["id"])
    assert plan.status == "failed" and "Retry the plan" in plan.error  # said plainly, retried in a click
