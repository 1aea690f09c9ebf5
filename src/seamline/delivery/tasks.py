"""Background work of local delivery: e-mailing a parcel's delivery code, planning a day."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from seamline.drops.tasks import order_url

from .codes import code_hash, code_new
from .models import Parcel


@task()
def parcel_code_send(*, parcel_id: int) -> int:
    """A new 4-digit code for the parcel, stored as its HMAC only, and e-mailed to the customer with the
    parcel's window. A retry makes a new code (the one e-mailed before stops working)."""
    with transaction.atomic():
        parcel = Parcel.objects.select_for_update().select_related("preorder__drop").get(pk=parcel_id)
        if parcel.status == Parcel.Status.DELIVERED or not parcel.code_required:
            return 0
        code = code_new()
        parcel.code_hash = code_hash(code, parcel_uid=str(parcel.uid), key=settings.SECRET_KEY)
        parcel.code_sent_at, parcel.code_failures = timezone.now(), 0
        parcel.save(update_fields=["code_hash", "code_sent_at", "code_failures"])
    preorder = parcel.preorder
    window = f"{parcel.window_start:%H:%M}–{parcel.window_end:%H:%M}"
    return send_mail(
        subject=f"Your delivery code: {preorder.drop.title}",
        message=(
            f"Hello {preorder.name},\n\nYour order is packed and a courier brings it to {parcel.street}, "
            f"{parcel.zip_code}, between {window}.\n\nGive the courier this code: {code}\n\n"
            f"Follow your order: {order_url(preorder)}"
        ),
        from_email=None,
        recipient_list=[preorder.email],
    )


@task()
def delivery_plan_run(*, plan_id: int) -> dict:
    """Plan a queued day (planning.plan_run); the plan's row shows the progress meanwhile."""
    from .planning import plan_run  # planning enqueues this task: imported when it runs

    plan = plan_run(plan_id)
    return {"plan": plan.pk, "status": plan.status}
