"""Background work of local delivery: e-mailing a parcel's delivery code, planning a day."""

from __future__ import annotations

from django.core.mail import send_mail
from django_tasks import task

from seamline.drops.tasks import order_url

from .models import Parcel


@task()
def parcel_code_send(*, parcel_id: int) -> int:
    """A new 4-digit code for the parcel (stored as its HMAC only), e-mailed to the customer with the
    parcel's window. A retry makes a new code: the one e-mailed before stops working."""
    from .services import parcel_code_issue  # services enqueue this task: imported when it runs

    parcel = Parcel.objects.select_related("preorder__drop").get(pk=parcel_id)
    code = parcel_code_issue(parcel=parcel)
    if code is None:
        return 0
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
