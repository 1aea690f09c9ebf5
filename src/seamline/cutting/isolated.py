"""Run the cut planner in a child process that can be stopped.

Why a child process: spyrrow's nester runs on a rayon thread pool. A pool created in a process that later
forks (granian forks its workers after `seamline demo` seeded a plan) is dead in the child, and the next
nest waits on it forever while holding the interpreter: the whole server froze. A child forked from a
clean fork server (which has imported the engines but never nested) gets a fresh pool every time; it
never shares the server's interpreter lock; and it can be terminated when a plan is cancelled or the
server stops.

Pure Python (no Django): the caller passes a stop check and a progress callback.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from multiprocessing import forkserver
from multiprocessing.connection import Connection
from typing import Any

__all__ = ["Cancelled", "ChildDied", "run_isolated"]

# Imported once in the fork server, so each plan's child starts in milliseconds, not seconds.
PRELOAD = ["seamline.cutting.planner"]


class Cancelled(Exception):
    """The stop check said stop; the child was terminated."""


class ChildDied(RuntimeError):
    """The child ended without an answer (killed, out of memory, a crash in native code)."""


def _context() -> Any:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)  # only takes effect before the server's first start
    return context


def _forget_inherited_fork_server() -> None:
    """After a fork (granian forks its workers from `seamline demo`, which ran the seed's plan), the fork
    server belongs to the parent: CPython's forkserver would `waitpid` a process that is not this one's
    child and fail. Drop the inherited handles; the first plan in this process starts its own server."""
    server = forkserver._forkserver
    if server._forkserver_alive_fd is not None:
        with contextlib.suppress(OSError):
            os.close(server._forkserver_alive_fd)  # the parent's server then stops with the parent
    server._forkserver_pid = server._forkserver_address = server._forkserver_alive_fd = None
    server._lock = threading.Lock()


os.register_at_fork(after_in_child=_forget_inherited_fork_server)


def _child(conn: Connection, target: Callable[..., Any], args: tuple[Any, ...]) -> None:
    def progress(report: Any) -> None:
        conn.send(("progress", report))

    try:
        result = target(*args, on_progress=progress)
    except ValueError as exc:  # a bad pattern or an impossible plan: the caller shows the message
        conn.send(("invalid", str(exc)))
    except BaseException as exc:  # anything else is a bug: its type and message, for the log
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    else:
        conn.send(("result", result))
    finally:
        conn.close()


def run_isolated(
    target: Callable[..., Any],
    *args: Any,
    on_progress: Callable[[Any], None] | None = None,
    should_stop: Callable[[], bool] = lambda: False,
    check_every_s: float = 1.0,
) -> Any:
    """``target(*args, on_progress=…)`` in a child process; its return value.

    ``on_progress`` gets each report the child sends. ``should_stop`` is asked about once every
    ``check_every_s`` seconds; when it says True the child is terminated and Cancelled raised. A
    ValueError in the child is raised here as a ValueError with the same message; the child dying
    without an answer raises ChildDied.
    """
    context = _context()
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sender, target, args), name="seamline-planner", daemon=True)
    child.start()
    sender.close()  # the child holds the only writer: a dead child means end of file here
    try:
        next_check = time.monotonic() + check_every_s
        while True:
            if receiver.poll(min(check_every_s, 0.25)):
                try:
                    kind, value = receiver.recv()
                except EOFError:
                    child.join(5)
                    raise ChildDied(_why_it_ended(child.exitcode)) from None
                if kind == "progress":
                    if on_progress is not None:
                        on_progress(value)
                elif kind == "result":
                    return value
                elif kind == "invalid":
                    raise ValueError(value)
                else:
                    raise ChildDied(f"the planner failed: {value}")
            if time.monotonic() >= next_check:
                next_check = time.monotonic() + check_every_s
                if should_stop():
                    raise Cancelled()
    finally:
        receiver.close()
        _stop(child)


def _why_it_ended(code: int | None) -> str:
    if code is not None and code < 0:
        name = signal.Signals(-code).name
        return f"the planning process was stopped by {name} (the server shutting down, or a kill)"
    return f"the planning process ended without an answer (exit code {code})"


def _stop(child: Any) -> None:
    child.join(0.5)
    if child.is_alive():
        child.terminate()
        child.join(3)
    if child.is_alive():
        child.kill()
        child.join(3)
