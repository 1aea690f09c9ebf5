"""The background task worker (Django Tasks, database backend) as a thread of a server process, and the clock
that enqueues the periodic jobs the contexts added (core.periodic).

`seamline demo` runs it inside the server's worker process, started from the ASGI lifespan: after granian
forks, so no thread is ever forked mid-flight (a fork copies locks held by other threads and can hang).
"""

import logging
import threading
import time

from django.db import connections
from django_tasks_db.management.commands.db_worker import Worker

from .periodic import periodic_jobs

log = logging.getLogger("seamline.worker")

ENV_FLAG = "SEAMLINE_TASK_WORKER"

# Set when the server shuts down: a long task (a cut plan's nesting) stops at its next check and says so.
stopping = threading.Event()
_running: list[tuple[Worker, threading.Thread]] = []


def start_worker_thread(*, max_tasks: int | None = None, interval: float = 1.0) -> threading.Thread:
    """The database task worker in a daemon thread (``max_tasks``: stop after that many tasks)."""
    worker = Worker(
        queue_names=["*"],
        interval=interval,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=max_tasks,
        worker_id="inprocess",
        excluded_queue_names=[],
    )

    def run() -> None:
        try:
            worker.run()
        finally:
            connections.close_all()  # a finished worker leaves no connection open behind it

    thread = threading.Thread(target=run, name="seamline-task-worker", daemon=True)
    thread.start()
    _running.append((worker, thread))
    return thread


def stop_workers(*, timeout_s: float = 10.0) -> None:
    """Ask the in-process workers to stop after their current task, and wait for them (a bounded time: a
    stuck task must not keep the server from stopping)."""
    stopping.set()
    for worker, _ in _running:
        worker.running = False
    deadline = time.monotonic() + timeout_s
    for _, thread in _running:
        thread.join(max(0.0, deadline - time.monotonic()))


def start_clock_thread(*, every_s: float = 60.0) -> threading.Thread:
    """Enqueue the periodic jobs the contexts added (core.periodic) every `every_s` seconds."""

    def tick() -> None:
        while True:
            time.sleep(every_s)
            for name, enqueue in periodic_jobs().items():
                try:
                    enqueue()
                except Exception:  # one failing job must not stop the clock for the others
                    log.exception("periodic job %s could not be queued", name)

    thread = threading.Thread(target=tick, name="seamline-clock", daemon=True)
    thread.start()
    return thread
