"""The drops' periodic job: close drops past their closing time and reconcile orphan payment holds. Its own
module because it closes drops through the services, which queue the other tasks (tasks.py)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from .models import Drop
from .services import drop_close
from .states import DropState
from .tasks import reconcile_holds

__all__ = ["drop_sweep"]


@task()
def drop_sweep() -> dict:
    """Every minute (the worker's clock): close drops past their closing time, reconcile orphan holds."""
    closed = 0
    for drop in Drop.objects.filter(state=DropState.LIVE, closes_at__lte=timezone.now()):
        drop_close(drop=drop)
        closed += 1
    return {"closed": closed, **reconcile_holds.call()}
