"""Background work of the cutting room: nesting and planning a queued cut plan."""

from __future__ import annotations

from django_tasks import task

from . import runs


@task()
def cut_plan_run(*, plan_id: int) -> dict:
    """Run a queued cut plan (minutes of nesting); the plan page shows its progress meanwhile."""
    plan = runs.cut_plan_run(plan_id)
    return {"plan": plan.pk, "status": plan.status}
