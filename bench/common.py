"""What the benchmarks share: a PostgreSQL database of their own, Django on it, the server's readiness,
and a line that names the machine."""

from __future__ import annotations

import os
import platform
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ADMIN_URL = os.environ.get("BENCH_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def ensure_database(name: str, *, fresh: bool) -> None:
    """Create database `name` on the local PostgreSQL (dropping it first when `fresh`)."""
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(database_url: str) -> None:
    """Django on `database_url`, migrated."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "seamline.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def wait_ready(port: int, timeout_s: float = 30) -> None:
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit(f"server did not start on port {port}")


def stop_server(server: subprocess.Popen) -> None:
    """Stop a server started with Popen: SIGINT, then kill it if it has not gone in 10 s."""
    server.send_signal(signal.SIGINT)
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()


def machine() -> str:
    cpu = next(
        (
            ln.split(":", 1)[1].strip()
            for ln in Path("/proc/cpuinfo").read_text().splitlines()
            if ln.startswith("model name")
        ),
        platform.processor(),
    )
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"


class PhaseTimer:
    """Seconds spent inside some of a module's functions, by phase: the functions are wrapped while the
    block runs (wrappers around the real ones, not copies), e.g.
    ``PhaseTimer(services, {"order_records": "gather", "calculate": "calculate"})``."""

    def __init__(self, module: Any, phases: dict[str, str]) -> None:
        self.module = module
        self.phases = phases
        self.seconds = dict.fromkeys(phases.values(), 0.0)
        self.originals = {name: getattr(module, name) for name in phases}

    def _wrap(self, phase: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*a: Any, **kw: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                self.seconds[phase] += time.perf_counter() - t0

        return timed

    def __enter__(self) -> PhaseTimer:
        for name, fn in self.originals.items():
            setattr(self.module, name, self._wrap(self.phases[name], fn))
        return self

    def __exit__(self, *exc: object) -> None:
        for name, fn in self.originals.items():
            setattr(self.module, name, fn)
