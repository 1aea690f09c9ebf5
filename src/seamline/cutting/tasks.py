"""Background work of the cutting room: nesting and planning a queued cut plan."""

from __future__ import annotations

from django_tasks import task


@task()
def cut_plan_run(*, plan_id: int) -> dict:
    """Run a queued cut plan (minutes of nesting); the plan page shows its progress meanwhile."""
    from .services import cut_plan_run as run

    plan = run(plan_id)
    return {"plan": plan.pk, "status": plan.status}
