"""Background work of the production context (Django Tasks API)."""

from django.core.mail import send_mail
from django_tasks import task


@task()
def notify_order_placed(*, order_id: int) -> int:
    """E-mail the factory's owners and staff that a brand placed an order with them."""
    from .models import ProductionOrder

    order = ProductionOrder.objects.select_related("brand", "factory", "style").get(pk=order_id)
    recipients = sorted(
        order.factory.memberships.filter(role__in=["owner", "staff"]).values_list("user__email", flat=True)
    )
    if not recipients:
        return 0
    units = sum(line.quantity for line in order.lines.all())
    return send_mail(
        subject=f"{order.number}: {order.brand} placed {units} × {order.style.name}",
        message=(
            f"{order.brand} placed production order {order.number} with {order.factory}: "
            f"{units} units of {order.style}, due {order.due_date:%a %d %b %Y}."
        ),
        from_email=None,
        recipient_list=recipients,
    )
