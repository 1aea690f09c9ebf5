"""The `seamline` command.

    seamline demo [--port N]      migrate, seed the demo, serve on 127.0.0.1 with the task worker in-process
    seamline serve [--host H] [--port N] [--workers N]   the ASGI server alone (production: set DATABASE_URL)
    seamline worker               the background task worker
    seamline manage ARGS…         any Django management command
    seamline nest FILE --width CM [--sizes S=1,M=2] [--json] [--svg OUT] [--dxf OUT]   one marker
    seamline cutplan ORDER [--colour C] [--table CM] [--plies N] [--json] [--svg-dir DIR]   plan a cut
    seamline trace hash DOCUMENT | trace verify [--organization SLUG] [--checkpoints FILE]
                  | trace checkpoint [--organization SLUG]   event hashes; check the ledger; sign its heads
    seamline footprint ORDER [--recalculate] [--json]   carbon and water per garment, against offshore
    seamline footprint factors [--version V] [--check] [--registry PATH]   the factor registry, its sources
    seamline passport issue ORDER | passport verify FILE-OR-URL   digital product passports
    seamline routes solve FILE [--time S] [--solver pyvrp|vroom] [--json]   plan a Solomon VRPTW instance
    seamline routes plan DATE [--organization SLUG] [--time S] [--json]   plan a day's local deliveries

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


def _port_in_use(host: str, port: int) -> bool:
    """Whether a server already listens on host:port. granian binds with SO_REUSEPORT, so a second server
    would start there without a word and take half the connections: probe without that option first."""
    import errno
    import socket

    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror:
        return False  # a host that does not resolve: the server says so
    with socket.socket(family, kind, proto) as probe:
        # SO_REUSEADDR: a server stopped a moment ago leaves connections in TIME_WAIT, not a listener.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            return exc.errno == errno.EADDRINUSE
    return False


def _port_taken(port: int) -> str:
    return f"port {port} is in use (another Seamline?); use --port N"


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
    if _port_in_use("127.0.0.1", args.port):  # before migrating and seeding
        return _fail(_port_taken(args.port))
    os.environ.setdefault("SEAMLINE_BASE_URL", f"http://127.0.0.1:{args.port}")  # links in the demo's e-mails
    _setup()
    from django.core.management import call_command

    from seamline.demo import DEMO_LOGINS, demo_pattern_file, demo_seed

    call_command("migrate", interactive=False, verbosity=0)
    created = demo_seed()
    print("Demo data " + ("seeded." if created else "already there; kept as it is."))
    from seamline.core.worker import ENV_FLAG

    os.environ[ENV_FLAG] = "1"  # the server's worker process runs the task worker too
    url = f"http://127.0.0.1:{args.port}/"
    print(f"\nSeamline is running at {url}\n\nSign in as (password for all: {DEMO_LOGINS['password']}):")
    for email, what in DEMO_LOGINS["users"]:
        print(f"  {email:32} {what}")
    print(f"\nA DXF-AAMA pattern to import (Styles → CJ-01): {demo_pattern_file()}")
    print("\nPress Ctrl+C to stop.\n", flush=True)
    _serve("127.0.0.1", args.port)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    if _port_in_use(args.host, args.port):
        return _fail(_port_taken(args.port))
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

    nest = sub.add_parser("nest", help="nest a DXF-AAMA pattern or an ESICUP JSON instance into a marker")
    nest.add_argument("file", help="a DXF-AAMA file or an ESICUP/jagua-rs JSON instance")
    nest.add_argument("--width", type=float, help="fabric width in cm (a JSON instance: its strip height)")
    nest.add_argument("--sizes", help="garments per size, e.g. S=1,M=2 (default: one of the sample size)")
    nest.add_argument("--rul", help="the ASTM grade-rule file of a base-size pattern")
    nest.add_argument("--margin", type=float, help="selvedge margin on each side in cm (default 1; JSON: 0)")
    nest.add_argument("--spacing", type=float, default=0.0, help="knife allowance between pieces in cm")
    nest.add_argument("--time", type=int, default=30, help="time budget in seconds")
    nest.add_argument("--seed", type=int, default=1)
    nest.add_argument("--one-way", action="store_true", help="napped or one-way fabric: no half turns")
    nest.add_argument("--json", action="store_true", help="print the marker as JSON")
    nest.add_argument("--svg", help="write the marker's picture to this file")
    nest.add_argument("--dxf", help="write a DXF for the cutter to this file")
    nest.add_argument("--quiet", action="store_true", help="no progress line")

    cut = sub.add_parser("cutplan", help="plan the cut of a production order (markers, lays, rolls)")
    cut.add_argument("order", help="the production order: PO-00001 or its id")
    cut.add_argument("--colour", default="", help="the colourway to plan (default: the order's first)")
    cut.add_argument("--width", type=float, help="fabric width in cm (default: the shell fabric's)")
    cut.add_argument("--margin", type=float, help="selvedge margin on each side in cm (default 1)")
    cut.add_argument("--spacing", type=float, help="knife allowance between pieces in cm (default 0.3)")
    cut.add_argument("--table", type=float, help="cutting table length in cm (default 1200)")
    cut.add_argument("--plies", type=int, help="most plies per lay (default 30)")
    cut.add_argument("--setup", type=float, help="setup cost of a marker in cm of fabric (default 50)")
    cut.add_argument("--overcut", type=int, help="extra garments allowed per size (default 1)")
    cut.add_argument("--seconds-per-garment", type=int, help="nesting time per garment (default 3)")
    cut.add_argument("--one-way", action="store_true", help="napped or one-way fabric: no half turns")
    cut.add_argument("--json", action="store_true", help="print the plan as JSON")
    cut.add_argument("--svg-dir", help="write each marker's picture into this folder")
    cut.add_argument("--quiet", action="store_true", help="no progress line")

    trace = sub.add_parser("trace", help="the EPCIS trace ledger: event hashes, chain checks")
    trace_sub = trace.add_subparsers(dest="trace_command", required=True)
    hashing = trace_sub.add_parser("hash", help="print each event's GS1 event hash, one a line")
    hashing.add_argument("document", help="an EPCIS 2.0 JSON(-LD) document, or - for standard input")
    verify = trace_sub.add_parser("verify", help="check every organization's chain (or one's)")
    verify.add_argument("--organization", help="the organization's slug (default: all)")
    verify.add_argument(
        "--checkpoints",
        help="a saved /epcis/checkpoints/<slug>.json or an order's ledger export: the chain must agree",
    )
    verify.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="processes checking a long chain, a range of records each (default: one per CPU)",
    )
    checkpoint = trace_sub.add_parser("checkpoint", help="sign each organization's chain head now")
    checkpoint.add_argument("--organization", help="the organization's slug (default: all)")

    fp = sub.add_parser(
        "footprint", help="carbon and water of a production order's garments, from the ledger"
    )
    fp.add_argument(
        "order", help="the production order: PO-00001 or its id; or `factors` to list the factor registry"
    )
    fp.add_argument("--recalculate", action="store_true", help="publish a new version even if one exists")
    fp.add_argument("--json", action="store_true", help="print the published footprint as JSON")
    fp.add_argument("--version", help="factors: the registry version (default: the newest)")
    fp.add_argument(
        "--check", action="store_true", help="factors: check every value against the source files it cites"
    )
    fp.add_argument("--registry", help="factors: a registry directory or file (default: the shipped one)")

    passport = sub.add_parser("passport", help="digital product passports: issue and verify")
    passport_sub = passport.add_subparsers(dest="passport_command", required=True)
    check = passport_sub.add_parser(
        "verify", help="check a passport: signature, status, schema, ledger events"
    )
    check.add_argument("source", help="a passport file (JSON or compact JWS), a URL, or - for standard input")
    issue = passport_sub.add_parser(
        "issue", help="issue the passports of a production order's packed garments"
    )
    issue.add_argument("order", help="the production order: PO-00001 or its id")

    routes = sub.add_parser("routes", help="delivery routes: plan a day, or a benchmark instance")
    routes_sub = routes.add_subparsers(dest="routes_command", required=True)
    solve = routes_sub.add_parser("solve", help="plan a Solomon VRPTW instance and check the plan")
    solve.add_argument("file", help="a Solomon VRPTW text file (e.g. C101.txt)")
    solve.add_argument("--time", type=float, default=5.0, help="time budget in seconds (default 5)")
    solve.add_argument(
        "--solver",
        choices=["pyvrp", "vroom"],
        default="pyvrp",
        help="pyvrp (default: the better on plain VRPTW, bench/routing.py) or vroom (the city's planner)",
    )
    solve.add_argument("--json", action="store_true", help="print vehicles, distance and routes as JSON")
    solve.add_argument("--quiet", action="store_true", help="no progress lines")
    day = routes_sub.add_parser(
        "plan", help="plan a day's parcels and transfers for the couriers (a re-plan if the day has a plan)"
    )
    day.add_argument("date", help="the day: YYYY-MM-DD, today or tomorrow")
    day.add_argument("--organization", help="the factory's slug (default: the only one with vehicles)")
    day.add_argument(
        "--time", type=float, default=5.0, help="the planner's time budget in seconds (default 5)"
    )
    day.add_argument("--json", action="store_true", help="print the plan as JSON")
    day.add_argument("--quiet", action="store_true", help="no progress line")

    manage = sub.add_parser(
        "manage", help="a Django management command, e.g. `seamline manage createsuperuser`"
    )
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    return parser


def _sizes(text: str) -> dict[str, int]:
    """'S=1,M=2' -> {'S': 1, 'M': 2}."""
    sizes = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        size, _, count = part.partition("=")
        if not count.strip().isdigit():
            raise ValueError(f"--sizes: {part!r} is not SIZE=COUNT (e.g. S=1,M=2)")
        sizes[size.strip()] = int(count)
    return sizes


def cmd_nest(args: argparse.Namespace) -> int:
    """Nest a DXF-AAMA pattern (the sizes asked for) or an ESICUP/jagua-rs JSON instance into one marker."""
    import json
    from pathlib import Path

    from seamline.cutting.dxf_aama import read_dxf_aama
    from seamline.cutting.esicup import load_instance
    from seamline.cutting.marker_svg import marker_svg
    from seamline.cutting.nesting import Progress, nest
    from seamline.cutting.outputs import marker_dxf, marker_json, pieces_from_pattern
    from seamline.cutting.validity import check_marker

    path = Path(args.file)
    if not path.exists():
        return _fail(f"{path}: no such file")
    holes: dict = {}
    if path.suffix.lower() == ".json":
        instance = load_instance(path)
        pieces, width, margin = list(instance.pieces), args.width or instance.strip_height, args.margin or 0.0
    else:
        if args.width is None:
            return _fail("--width CM is needed for a pattern (the fabric's width)")
        pattern = read_dxf_aama(path, rul=args.rul)
        sizes = _sizes(args.sizes) if args.sizes else {pattern.sample_size or pattern.sizes()[0]: 1}
        pieces, holes = pieces_from_pattern(pattern, sizes, one_way=args.one_way)
        width, margin = args.width, 1.0 if args.margin is None else args.margin

    def show(p: Progress) -> None:  # long work shows progress: one line on stderr, rewritten in place
        print(
            f"\rnesting {p.elapsed_s:5.1f}/{args.time} s  length {p.best_length_cm:8.1f} cm  "
            f"utilization {p.utilization:6.2%}  {p.phase:<12}",
            end="",
            file=sys.stderr,
            flush=True,
        )

    marker = nest(
        pieces,
        fabric_width_cm=width,
        margin_cm=margin,
        spacing_cm=args.spacing,
        time_s=args.time,
        seed=args.seed,
        on_progress=None if args.quiet else show,
    )
    if not args.quiet:
        print(file=sys.stderr)
    problems = check_marker(
        marker, usable_width_cm=marker.usable_width_cm, pieces=pieces, spacing_cm=args.spacing
    )
    if problems:
        return _fail(f"the solver's marker is not valid: {problems[0]}")
    if args.svg:
        Path(args.svg).write_text(marker_svg(marker, title=path.stem))
    if args.dxf:
        marker_dxf(marker, args.dxf, pieces=pieces, drill_holes=holes)
    doc = marker_json(marker, name=path.stem)
    if args.json:
        print(json.dumps(doc, indent=2))
    else:
        print(
            f"{path.name}: {doc['pieces']} pieces, marker {doc['length_cm']:.1f} cm on "
            f"{marker.usable_width_cm:.1f} cm usable width, utilization {marker.utilization:.2%}"
        )
    return 0


def _order_pk(text: str) -> int:
    digits = text.strip().upper().removeprefix("PO-")
    if not digits.isdigit():
        raise ValueError(f"{text!r} is not a production order (PO-00001 or its id)")
    return int(digits)


def cmd_cutplan(args: argparse.Namespace) -> int:
    """Plan the cut of one colourway of a production order, in this process, with a progress line."""
    import json
    from pathlib import Path

    _setup()
    from seamline.cutting.planner import PlanProgress, ratio_label
    from seamline.cutting.runs import cut_plan_run
    from seamline.cutting.selectors import cut_plan_get
    from seamline.cutting.services import cut_plan_request
    from seamline.production.models import ProductionOrder

    order = (
        ProductionOrder.objects.select_related("style", "factory").filter(pk=_order_pk(args.order)).first()
    )
    if order is None:
        return _fail(f"no production order {args.order}")
    given = {
        "fabric_width_cm": args.width,
        "margin_cm": args.margin,
        "spacing_cm": args.spacing,
        "max_marker_length_cm": args.table,
        "max_plies": args.plies,
        "setup_cost_cm": args.setup,
        "overcut_max": args.overcut,
        "seconds_per_garment": args.seconds_per_garment,
        "one_way": args.one_way,
    }
    plan = cut_plan_request(
        order=order, organization=order.factory, colour=args.colour, enqueue=False, **given
    )

    def show(p: PlanProgress) -> None:
        bar = "#" * int(30 * p.fraction)
        print(
            f"\r|{bar:<30}| {100 * p.fraction:5.1f}%  {p.text[:70]:<70}", end="", file=sys.stderr, flush=True
        )

    plan = cut_plan_run(plan.pk, on_progress=None if args.quiet else show)
    if not args.quiet:
        print(file=sys.stderr)
    if plan.status != plan.Status.DONE:
        return _fail(f"cut plan {plan.pk} failed: {plan.error}")
    plan = cut_plan_get(organization=order.factory, pk=plan.pk)
    markers, lays = list(plan.markers.all()), list(plan.lays.all())
    if args.svg_dir:
        folder = Path(args.svg_dir)
        folder.mkdir(parents=True, exist_ok=True)
        for m in markers:
            (folder / f"{order.number}-M{m.number}.svg").write_text(m.svg)
    summary = {
        "plan": plan.pk,
        "order": order.number,
        "colour": plan.colour,
        "fabric_m": str(plan.fabric_m),
        "naive_fabric_m": str(plan.naive_fabric_m),
        "saving_pct": plan.saving_pct,
        "consumed_m": str(plan.consumed_m),
        "offcut_kg": str(plan.offcut_kg),
        "remnant_m": str(plan.remnant_m),
        "produced": plan.produced,
        "markers": [
            {
                "marker": f"M{m.number}",
                "ratio": m.ratio,
                "length_cm": m.length_cm,
                "utilization": m.utilization,
            }
            for m in markers
        ],
        "lays": [
            {
                "lay": lay.number,
                "marker": f"M{lay.marker.number}",
                "plies": lay.plies,
                "shade_lot": lay.shade_lot,
                "meters": str(lay.meters),
                "rolls": [
                    {"roll": u.roll.roll_id, "plies": u.plies, "meters": str(u.meters)}
                    for u in lay.roll_uses.all()
                ],
            }
            for lay in lays
        ],
        "rolls": plan.rolls,
    }
    if args.json:
        print(json.dumps(summary, indent=2))
        return 0
    print(f"{order.number} {plan.colour}: cut plan {plan.pk}, {len(markers)} markers, {len(lays)} lays")
    for lay in lays:
        rolls = ", ".join(f"{u.roll.roll_id} ×{u.plies}" for u in lay.roll_uses.all())
        print(
            f"  lay {lay.number}: M{lay.marker.number} {ratio_label(lay.marker.ratio):<10} "
            f"{lay.plies:3} plies × {lay.marker.length_cm:6.1f} cm ({100 * lay.marker.utilization:4.1f}%)  "
            f"{lay.meters:>8} m  "
            f"lot {lay.shade_lot}: {rolls}"
        )
    print(
        f"fabric {plan.fabric_m} m in markers vs {plan.naive_fabric_m} m naive "
        f"({plan.saving_pct:.1f}% less); "
        f"{plan.consumed_m} m from rolls; off-cuts {plan.offcut_kg} kg to "
        f"{plan.recycler.name if plan.recycler else 'a fibre recycler'}; remnants {plan.remnant_m} m"
    )
    return 0


def cmd_trace(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    if args.trace_command == "hash":
        from seamline.trace.eventhash import document_event_hashes

        text = sys.stdin.read() if args.document == "-" else Path(args.document).read_text(encoding="utf-8")
        try:
            document = json.loads(text)
        except ValueError as exc:
            return _fail(f"{args.document}: not JSON ({exc})")
        for digest in document_event_hashes(document):
            print(digest)
        return 0
    _setup()
    import time

    from seamline.accounts.models import Organization
    from seamline.core.errors import DomainError
    from seamline.trace.checkpoints import checkpoint_take, checkpoints_check
    from seamline.trace.verify import chain_head, chain_verify

    saved: dict[str, dict] | None = None
    if getattr(args, "checkpoints", None):
        try:
            saved = _saved_checkpoints(json.loads(Path(args.checkpoints).read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            return _fail(f"{args.checkpoints}: {exc}")
        if not saved:
            return _fail(f"{args.checkpoints}: not a checkpoints document or ledger export (no organization)")
    orgs = Organization.objects.filter(chain__isnull=False).order_by("slug")
    if saved is not None and not args.organization:
        orgs = orgs.filter(slug__in=list(saved))
        if len(saved) == 1:
            args.organization = next(iter(saved))
    if args.organization:
        orgs = orgs.filter(slug=args.organization)
        if not orgs.exists():
            return _fail(f"no trace chain for organization {args.organization!r}")
    broken = 0
    for org in orgs:
        if args.trace_command == "checkpoint":
            try:
                taken = checkpoint_take(organization=org)
            except DomainError as exc:
                print(f"{org.slug}: NOT SIGNED: {exc.detail}")
                broken += 1
                continue
            print(
                f"{org.slug}: checkpoint of record {taken.seq} ({taken.head_hash[:16]}…) signed, {taken.kid}"
                if taken
                else f"{org.slug}: empty chain, nothing to sign"
            )
            continue
        started = time.monotonic()
        head = chain_head(org)
        problem = chain_verify(org, workers=args.workers)
        took = time.monotonic() - started
        if problem is not None:
            broken += 1
            where = f"record id {problem.pk}" if problem.pk is not None else "the chain's end"
            print(f"{org.slug}: BROKEN at record {problem.seq} ({where}): {problem.kind}: {problem.detail}")
        else:
            print(f"{org.slug}: {head.seq} records, chain intact ({took:.1f} s)")
        if saved is not None and org.slug in saved:
            contradictions = checkpoints_check(organization=org, document=saved[org.slug])
            for line in contradictions:
                print(f"{org.slug}: CONTRADICTED: {line}")
            if contradictions:
                broken += problem is None
            else:
                count = len(saved[org.slug]["checkpoints"])
                print(f"{org.slug}: agrees with the {count} saved checkpoints")
    return 1 if broken else 0


def _saved_checkpoints(data: object) -> dict[str, dict]:
    """Saved checkpoints by organization slug, each as a checkpoints document: from a copy of
    /epcis/checkpoints/<slug>.json, or from an order's ledger export (its ``sl:checkpoints``)."""
    if not isinstance(data, dict):
        return {}
    if isinstance(data.get("sl:checkpoints"), list):
        by_org: dict[str, dict] = {}
        for entry in data["sl:checkpoints"]:
            if isinstance(entry, dict) and isinstance(entry.get("organization"), str):
                slug = entry["organization"]
                document = by_org.setdefault(slug, {"organization": slug, "checkpoints": []})
                document["checkpoints"].append(entry)
        return by_org
    if isinstance(data.get("organization"), str):
        checkpoints = data.get("checkpoints")
        listed = checkpoints if isinstance(checkpoints, list) else []
        return {data["organization"]: {**data, "checkpoints": listed}}
    return {}


def cmd_footprint_factors(args: argparse.Namespace) -> int:
    """Print every factor and parameter of a registry version; with --check, exit 1 on a source problem."""
    from pathlib import Path

    from seamline.footprint.factors import Factor, Parameter, dqr_text, load_registry
    from seamline.footprint.sources import check_registry

    path = Path(args.registry) if args.registry else None
    registry = load_registry(args.version, path=path)
    print(
        f"factor registry {registry.version}: {len(registry.factors)} factors, "
        f"{len(registry.parameters)} parameters (rating: PACT DQR technological/temporal/geographical/"
        "completeness/reliability, 1 best)"
    )
    rows: list[tuple[Factor | Parameter, str, str]] = [
        (f, str(f.co2e_kg), f"kg CO2e/{f.unit}") for f in registry.factors.values()
    ]
    rows += [(p, str(p.value), p.unit) for p in registry.parameters.values()]
    for item, value, unit in rows:
        rating = dqr_text(item.dqr) or "-"
        source = item.source if len(item.source) <= 72 else item.source[:71] + "…"
        flag = "" if item.sourced else "  UNSOURCED"
        print(
            f"{item.id:<48} {value:>20} {unit:<12} {item.year} {item.licence[:24]:<24} {rating:<9} "
            f"{source}{flag}"
        )
    if not args.check:
        return 0
    sources = path / "sources" if path is not None and (path / "sources").is_dir() else None
    problems = check_registry(registry, sources)
    unsourced = [problem for problem in problems if problem.kind == "unsourced"]
    failures = [problem for problem in problems if problem.kind != "unsourced"]
    for problem in unsourced:
        print(f"warning: UNSOURCED {problem.id}: {problem.message}")
    for problem in failures:
        print(f"PROBLEM {problem}")
    checked = sum(1 for item, _, _ in rows if item.check)
    print(
        f"check: {checked} values checked against their source files, {len(unsourced)} unsourced "
        f"(labelled, kept off passports), {len(failures)} problems"
    )
    return 1 if failures else 0


def cmd_footprint(args: argparse.Namespace) -> int:
    """Publish (when there is none, or with --recalculate) and print an order's footprint."""
    import json

    if args.order == "factors":
        return cmd_footprint_factors(args)
    if args.version or args.check or args.registry:
        return _fail("--version, --check and --registry go with `seamline footprint factors`")
    _setup()
    from seamline.footprint.calc import BOUNDARIES
    from seamline.footprint.display import WATER_PARTS
    from seamline.footprint.models import FootprintSnapshot
    from seamline.footprint.services import footprint_publish
    from seamline.production.models import ProductionOrder

    order = ProductionOrder.objects.filter(pk=_order_pk(args.order)).first()
    if order is None:
        return _fail(f"no production order {args.order}")
    snapshot = FootprintSnapshot.objects.filter(order=order).order_by("-version").first()
    if snapshot is None or args.recalculate:
        snapshot = footprint_publish(order=order)
    stored = snapshot.assumptions.get("boundaries", {})
    # in the engine's order: PostgreSQL's jsonb keeps object keys in an order of its own
    boundaries = {name: stored[name]["co2e_kg"] for name in BOUNDARIES if name in stored}
    summary = {
        "order": order.number,
        "version": snapshot.version,
        "factors": snapshot.registry_version,
        "garments": snapshot.garments,
        "co2e_kg_per_garment": {
            "cradle_to_gate": str(snapshot.co2e_gate_kg),
            "to_customer": str(snapshot.co2e_customer_kg),
        },
        "water_l_per_garment": str(snapshot.water_l),
        "km_per_garment": str(snapshot.km),
        "primary_share": str(snapshot.primary_share),
        "by_step": snapshot.by_step,
        "offshore": {
            cc: {k: v for k, v in run.items() if k != "by_step"} for cc, run in snapshot.baselines.items()
        },
        "method_version": snapshot.method_version,
        "boundaries": boundaries,
        "water_split_l_per_garment": snapshot.water_split,
        "unsourced": snapshot.unsourced,
    }
    if args.json:
        print(json.dumps(summary, indent=2))
        return 0
    print(
        f"{order.number} footprint v{snapshot.version} (factors {snapshot.registry_version}), "
        f"{snapshot.garments} garments"
    )
    print(f"  {'step':<58} {'kg CO2e':>9} {'water L':>10}")
    for step, (kg, litres) in snapshot.by_step.items():
        print(f"  {step[:58]:<58} {kg:>9} {litres:>10}")
    print(
        f"a garment: {snapshot.co2e_customer_kg} kg CO2e to the customer "
        f"({snapshot.co2e_gate_kg} at the gate), "
        f"{snapshot.water_l} L, {snapshot.km} km; primary data {snapshot.primary_share}"
    )
    for cc, run in snapshot.baselines.items():
        print(f"made in {cc}: {run['co2e_customer_kg']} kg CO2e, {run['km']} km")
    if boundaries:
        totals = " · ".join(f"{name} {kg}" for name, kg in boundaries.items())
        print(f"boundaries, kg CO2e a garment (the headline is cradle-to-customer): {totals}")
    if snapshot.water_split:
        split = snapshot.water_split  # in the display's order: jsonb keeps keys in an order of its own
        print("water, L a garment: " + ", ".join(f"{k} {split[k]}" for k in WATER_PARTS if k in split))
    if snapshot.unsourced:
        print("UNSOURCED factors (no citable published value; passports and hangtags print no figure):")
        for entry in snapshot.unsourced:
            print(f"  {entry['factor_id']}: {entry['activity']} ({entry['reason']})")
    return 0


def cmd_passport(args: argparse.Namespace) -> int:
    _setup()
    if args.passport_command == "issue":
        from seamline.passport.services import passports_issue
        from seamline.production.models import ProductionOrder

        order = ProductionOrder.objects.filter(pk=_order_pk(args.order)).first()
        if order is None:
            return _fail(f"no production order {args.order}")

        def show(done: int, total: int) -> None:
            print(f"\rsigning passports {done}/{total}", end="", file=sys.stderr, flush=True)

        issued = passports_issue(order=order, on_progress=show)
        print(file=sys.stderr)
        print(f"{order.number}: {len(issued)} passports issued")
        return 0
    import urllib.request
    from pathlib import Path

    from seamline.passport.verify import verify_passport

    source = args.source
    if source == "-":
        text = sys.stdin.read()
    elif source.startswith(("http://", "https://")):
        url = source if source.endswith(".json") else source.rstrip("/") + ".json"
        with urllib.request.urlopen(url, timeout=10) as response:
            text = response.read().decode()
    else:
        path = Path(source)
        if not path.exists():
            return _fail(f"{source}: no such file")
        text = path.read_text(encoding="utf-8")
    checks, credential = verify_passport(text)
    for item in checks:
        print(f"{'ok  ' if item.ok else 'FAIL'} {item.name}: {item.detail}")
    if all(item.ok for item in checks):
        serial = credential["credentialSubject"]["product"].get("serialNumber", "") if credential else ""
        print(f"VALID: passport {serial} verifies")
        return 0
    print("INVALID: " + ", ".join(item.name for item in checks if not item.ok) + " failed")
    return 1


def cmd_routes(args: argparse.Namespace) -> int:
    if args.routes_command == "plan":
        return _routes_plan(args)
    return _routes_solve(args)


def _day(text: str):
    from datetime import date, timedelta

    from django.utils import timezone

    words = {"today": 0, "tomorrow": 1}
    if text.strip().lower() in words:
        return timezone.localdate() + timedelta(days=words[text.strip().lower()])
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{text!r} is not a day (YYYY-MM-DD, today or tomorrow)") from None


def _routes_plan(args: argparse.Namespace) -> int:
    """Plan a day of local deliveries in this process, with a progress line; print the routes."""
    import json

    _setup()
    from seamline.accounts.models import Organization
    from seamline.delivery.planning import plan_request, plan_run
    from seamline.delivery.selectors import plan_get

    day = _day(args.date)
    if args.organization:
        org = Organization.objects.filter(slug=args.organization, kind="factory").first()
        if org is None:
            return _fail(f"no factory {args.organization!r}")
    else:
        orgs = list(Organization.objects.filter(kind="factory", vehicles__active=True).distinct()[:2])
        if len(orgs) != 1:
            return _fail("name the factory with --organization SLUG" if orgs else "no factory has vehicles")
        org = orgs[0]
    plan = plan_request(organization=org, day=day, seconds=args.time, enqueue=False)

    def show(line: str) -> None:
        print(f"\rroutes plan {day}: {line[:70]:<70}", end="", file=sys.stderr, flush=True)

    plan = plan_run(plan.pk, on_progress=None if args.quiet else show)
    if not args.quiet:
        print(file=sys.stderr)
    if plan.status != plan.Status.DONE:
        return _fail(f"plan {plan.pk} of {day} failed: {plan.error}")
    plan = plan_get(organization=org, pk=plan.pk)
    routes, unassigned = list(plan.routes.all()), list(plan.unassigned.all())
    summary = {
        "plan": plan.pk,
        "day": day.isoformat(),
        "solver": plan.solver,
        "seconds": plan.elapsed_s,
        "routes": [
            {
                "vehicle": r.vehicle.name,
                "courier": r.courier.name if r.courier else None,
                "km": str(r.km),
                "hours": round(r.duration_s / 3600, 2),
                "co2e_kg": None if r.co2e_kg is None else str(r.co2e_kg),
                "stops": [
                    s.parcel.label if s.parcel_id else f"{s.kind} {s.transfer.label}"
                    for s in r.stops.all()
                    if s.kind in ("parcel", "pickup", "dropoff")
                ],
            }
            for r in routes
        ],
        "unassigned": [
            {
                "job": u.parcel.label if u.parcel_id else (u.transfer.label if u.transfer_id else ""),
                "reason": u.reason,
                "detail": u.detail,
            }
            for u in unassigned
        ],
    }
    if args.json:
        print(json.dumps(summary, indent=2))
        return 0
    print(f"{org.name}, {day}: plan {plan.pk}, {len(routes)} routes ({plan.solver}, {plan.elapsed_s:.1f} s)")
    for r in summary["routes"]:
        co2e = f"{r['co2e_kg']} kg CO2e" if r["co2e_kg"] is not None else "no CO2e factor"
        print(f"  {r['vehicle']} ({r['courier'] or 'no courier'}): {r['km']} km, {r['hours']} h, {co2e}")
        print(f"    {' → '.join(r['stops']) or '(nothing to do)'}")
    for u in summary["unassigned"]:
        print(f"  unassigned {u['job']}: {u['reason']} ({u['detail']})")
    return 0


def _routes_solve(args: argparse.Namespace) -> int:
    """Plan a Solomon instance with PyVRP or VROOM, check the plan independently, print it."""
    import json
    from pathlib import Path

    from seamline.delivery import pyvrp_solver, routing
    from seamline.delivery.feasibility import check_plan
    from seamline.delivery.solomon import plan_routes, read_solomon, routes_distance, to_problem

    path = Path(args.file)
    if not path.is_file():
        return _fail(f"{path}: no such file")
    if args.time <= 0:
        return _fail("--time must be more than 0 seconds")
    instance = read_solomon(path)
    problem = to_problem(instance)

    def show(line: str) -> None:
        print(f"routes solve: {line}", file=sys.stderr, flush=True)

    solver = pyvrp_solver.solve if args.solver == "pyvrp" else routing.solve
    plan = solver(problem, seconds=args.time, progress=None if args.quiet else show)
    problems = check_plan(problem, plan)
    if problems:
        return _fail(f"the solver's plan is not feasible: {problems[0]}")
    if plan.unassigned:
        return _fail(f"{len(plan.unassigned)} customers unassigned, e.g. {plan.unassigned[0].detail}")
    routes = plan_routes(plan)
    distance = routes_distance(instance, routes)
    if args.json:
        print(json.dumps({"vehicles": len(routes), "distance": distance, "routes": routes}))
        return 0
    took = f"{args.solver}, {plan.seconds:.1f} s"
    print(f"{instance.name}: {len(routes)} vehicles, distance {distance:.2f} ({took})")
    print(f"  {'route':>5} {'customers':>9} {'load':>5} {'distance':>9}  order")
    demand = {c.number: c.demand for c in instance.customers}
    for number, route in enumerate(routes, start=1):
        load = sum(demand[n] for n in route)
        print(
            f"  {number:>5} {len(route):>9} {load:>5} {routes_distance(instance, [route]):>9.2f}  "
            + " ".join(map(str, route))
        )
    return 0


COMMANDS = {
    "demo": cmd_demo,
    "serve": cmd_serve,
    "worker": cmd_worker,
    "manage": cmd_manage,
    "nest": cmd_nest,
    "cutplan": cmd_cutplan,
    "trace": cmd_trace,
    "footprint": cmd_footprint,
    "passport": cmd_passport,
    "routes": cmd_routes,
}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        return 0
    except Exception as exc:  # one line, exit 2: the CLI convention
        from seamline.core.errors import DomainError

        if isinstance(exc, DomainError | ValueError):  # bad input: the message names the problem
            return _fail(str(exc))
        if os.environ.get("SEAMLINE_TRACEBACK"):
            raise
        return _fail(f"{type(exc).__name__}: {exc}")


if __name__ == "__main__":
    raise SystemExit(main())
