"""The ASGI application that `seamline serve` runs under granian.

Seamline's views are synchronous. Django's own ASGI handler runs such a stack with a thread hop for every sync
middleware hook, both request signals and the view (eight hops a request here), which caps a 2-core machine
at ~200 requests/s before any work is done. Through a2wsgi the same stack runs as one WSGI call on a worker
thread: one hop, ~2.5x the throughput (bench/RESULTS.md). Paths that stream (Server-Sent Events, async views)
go to Django's ASGI handler, which serves async code natively.
"""

import asyncio
import gc
import os
import re
import sys
import threading

from a2wsgi import WSGIMiddleware
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "seamline.config.settings")

django_asgi = get_asgi_application()

from seamline.config.wsgi import application as django_wsgi  # noqa: E402  (after settings are set up)
from seamline.core.worker import ENV_FLAG, start_clock_thread, start_worker_thread, stop_workers  # noqa: E402

# Path prefixes served by Django's ASGI handler; everything else goes the one-hop WSGI way.
ASYNC_PATH_PREFIXES: tuple[str, ...] = ()
# ...and paths matching this: a drop page's live counters (/d/<slug>/events) and a live fit session's board
# (/fitting/sessions/<uid>/events); the pages themselves stay WSGI.
ASYNC_PATH_PATTERN = re.compile(r"(/d/[-a-zA-Z0-9_]+|/fitting/sessions/[-0-9a-fA-F]{36})/events\Z")


def is_async_path(path: str) -> bool:
    return path.startswith(ASYNC_PATH_PREFIXES or ("\0",)) or ASYNC_PATH_PATTERN.match(path) is not None


sync_app = WSGIMiddleware(django_wsgi, workers=int(os.environ.get("SEAMLINE_THREADS", "8")))


async def application(scope, receive, send) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                if os.environ.get(ENV_FLAG) == "1":  # `seamline demo` / `serve --with-worker`
                    start_worker_thread()
                    start_clock_thread()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if os.environ.get(ENV_FLAG) == "1":
                    await asyncio.to_thread(stop_workers)  # a running task stops and records why
                _exit_after(SHUTDOWN_GRACE_S)
                await send({"type": "lifespan.shutdown.complete"})
                return
    elif scope["type"] == "http" and not is_async_path(scope["path"]):

        async def receive_coroutine():  # granian's receive returns an awaitable, a2wsgi wants a coroutine
            return await receive()

        await sync_app(scope, receive_coroutine, send)
    else:
        await django_asgi(scope, receive, send)


# A request still on a WSGI thread when the event loop stops waits forever for its response to be sent, and
# the interpreter's exit waits for that thread: the process ends this long after shutdown whatever runs.
SHUTDOWN_GRACE_S = 5.0


def _exit_after(seconds: float) -> None:
    def leave() -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)

    timer = threading.Timer(seconds, leave)
    timer.daemon = True
    timer.start()


# Everything loaded so far lives as long as the process: keep the garbage collector from rescanning it on
# every collection (10-15% off a request's median here).
gc.freeze()
