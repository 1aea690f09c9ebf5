"""The `seamline` command.

    seamline demo [--port N]      migrate, seed the demo, serve on 127.0.0.1 with the task worker in-process
    seamline serve [--host H] [--port N] [--workers N]   the ASGI server alone (production: set DATABASE_URL)
    seamline worker               the background task worker
    seamline manage ARGS…         any Django management command

Errors print one line and exit with status 2.
"""

from __future__ import annotations

import argparse
import os
import sys


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "seamline.config.settings")
    import django
    from django.conf import settings

    if not os.environ.get("DATABASE_URL"):
        (settings.VAR_DIR / "static").mkdir(parents=True, exist_ok=True)
    django.setup()


def _fail(message: str) -> int:
    print(f"seamline: {message}", file=sys.stderr)
    return 2


def _serve(host: str, port: int, workers: int = 1) -> None:
    """granian (Rust HTTP, ~1.7x uvicorn's requests/s here) serving the ASGI app in `workers` processes."""
    from django.db import connections
    from granian import Granian
    from granian.constants import Interfaces

    connections.close_all()  # the server forks its workers: let each open its own connections

    Granian(
        "seamline.config.asgi:application",
        address=host,
        port=port,
        interface=Interfaces.ASGI,
        workers=workers,
        log_access=False,
    ).serve()


def cmd_demo(args: argparse.Namespace) -> int:
    os.environ.setdefault("SEAMLINE_BASE_URL", f"http://127.0.0.1:{args.port}")  # links in the demo's e-mails
    _setup()
    from django.core.management import call_command

    from seamline.core.demo import DEMO_LOGINS, demo_seed

    call_command("migrate", interactive=False, verbosity=0)
    created = demo_seed()
    print("Demo data " + ("seeded." if created else "already there; kept as it is."))
    from seamline.core.worker import ENV_FLAG

    os.environ[ENV_FLAG] = "1"  # the server's worker process runs the task worker too
    url = f"http://127.0.0.1:{args.port}/"
    print(f"\nSeamline is running at {url}\n\nSign in as (password for all: {DEMO_LOGINS['password']}):")
    for email, what in DEMO_LOGINS["users"]:
        print(f"  {email:32} {what}")
    print("\nPress Ctrl+C to stop.\n", flush=True)
    _serve("127.0.0.1", args.port)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    _setup()
    if args.with_worker:
        if args.workers != 1:
            return _fail("--with-worker needs --workers 1; run `seamline worker` beside a larger server")
        from seamline.core.worker import ENV_FLAG

        os.environ[ENV_FLAG] = "1"
    _serve(args.host, args.port, args.workers)
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    _setup()
    from django.core.management import call_command

    from seamline.core.worker import start_clock_thread

    start_clock_thread()
    call_command("db_worker", queue_name="*", interval=args.interval)
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    _setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["seamline manage", *args.rest])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="seamline", description="Seamline: small-batch apparel, sketch to closet."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="migrate, seed the demo data and serve it on 127.0.0.1")
    demo.add_argument("--port", type=int, default=8000)

    serve = sub.add_parser("serve", help="run the ASGI server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1, help="server processes")
    serve.add_argument("--with-worker", action="store_true", help="also run the task worker in-process")

    worker = sub.add_parser("worker", help="run the background task worker")
    worker.add_argument("--interval", type=float, default=1.0)

    manage = sub.add_parser(
        "manage", help="a Django management command, e.g. `seamline manage createsuperuser`"
    )
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    return parser


COMMANDS = {"demo": cmd_demo, "serve": cmd_serve, "worker": cmd_worker, "manage": cmd_manage}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        return 0
    except Exception as exc:  # one line, exit 2: the CLI convention
        from seamline.core.errors import DomainError

        if isinstance(exc, DomainError):
            return _fail(str(exc))
        if os.environ.get("SEAMLINE_TRACEBACK"):
            raise
        return _fail(f"{type(exc).__name__}: {exc}")


if __name__ == "__main__":
    raise SystemExit(main())
