"""Work that runs on a clock (a drop's sweep, hold reconciliation): each context adds its jobs when its app
is ready, and the worker's clock enqueues them. No models here: apps.py imports it before Django is up."""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["periodic_add", "periodic_jobs"]

_JOBS: dict[str, Callable[[], object]] = {}


def periodic_add(name: str, enqueue: Callable[[], object]) -> None:
    """Run ``enqueue`` (which queues a background task) on every tick of the clock; a name added twice
    keeps its first job."""
    _JOBS.setdefault(name, enqueue)


def periodic_jobs() -> dict[str, Callable[[], object]]:
    return dict(_JOBS)
