"""Background work of drops: capture and start production when funded, release holds, reconcile, e-mail."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from seamline.production.services import (
    production_order_create,
    production_order_set_quantities,
    production_order_transition,
)

from .caps import RunBreakdown, run_breakdown
from .models import Drop, PaymentHold, PreOrder, PreOrderLine
from .payments import PaymentError, get_provider
from .states import DropState

log = logging.getLogger("seamline.drops")


def order_url(preorder) -> str:
    base = getattr(settings, "SEAMLINE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
    return f"{base}/d/{preorder.drop.slug}/orders/{preorder.access_token}/"


def order_notes(drop_title: str, run: RunBreakdown) -> str:
    """The production order's note: where its units come from, with the overcut rule and its numbers."""
    return f"Drop “{drop_title}”: {run.rule}."


def _with_run_note(notes: str, drop_title: str, run: RunBreakdown) -> str:
    """`notes` with the drop's line replaced by this run's; any other line kept."""
    mine = f"Drop “{drop_title}”:"
    others = [line for line in notes.splitlines() if not line.startswith(mine)]
    return "\n".join([order_notes(drop_title, run), *others])


@task()
def drop_fund(*, drop_id: int) -> dict:
    """Capture every hold of a funded drop and bring its production order up to what was sold.

    Idempotent and convergent: each pre-order of a funded drop runs it again; provider calls carry
    idempotency keys, so a retry never captures twice.
    """

    with transaction.atomic():
        drop = Drop.objects.select_for_update().select_related("brand", "factory", "style").get(pk=drop_id)
        if drop.state != DropState.FUNDED:
            return {"captured": 0}
        provider = get_provider()
        holds = []
        for hold in PaymentHold.objects.filter(
            drop=drop, status=PaymentHold.Status.AUTHORIZED, preorder__isnull=False
        ):
            # One failed capture must not hold up the others; the next run retries it with the same key.
            try:
                provider.capture(reference=hold.reference, idempotency_key=f"capture:{hold.idempotency_key}")
            except PaymentError as exc:
                log.warning("capture of hold %s failed: %s", hold.idempotency_key, exc)
                continue
            holds.append(hold)
        PaymentHold.objects.filter(pk__in=[h.pk for h in holds]).update(status=PaymentHold.Status.CAPTURED)
        PreOrder.objects.filter(hold__in=holds).update(state=PreOrder.State.CAPTURED)
        offers = list(drop.variants.select_related("variant"))  # style order: overcut ties go by it
        sold = Counter({o.variant.sku: 0 for o in offers})
        for sku, n in PreOrderLine.objects.filter(
            preorder__drop=drop, preorder__state=PreOrder.State.CAPTURED
        ).values_list("offer__variant__sku", "quantity"):
            sold[sku] += n
        # Every run recomputes the whole order from everything captured, so a pre-order after funding
        # moves the one rounded overcut with it rather than adding a rounding of its own.
        run = run_breakdown(dict(sold), drop.overcut_pct, caps={o.variant.sku: o.cap for o in offers})
        quantities = run.quantities
        first_time = drop.production_order_id is None
        if first_time:
            order = production_order_create(
                brand=drop.brand,
                factory=drop.factory,
                style=drop.style,
                due_date=(timezone.localdate() + timedelta(days=drop.due_days)),
                quantities=quantities,
                notes=order_notes(drop.title, run),
            )
            production_order_transition(order=order, target="planned", organization=drop.brand)
            Drop.objects.filter(pk=drop.pk).update(production_order=order)
        elif drop.production_order.state in ("draft", "planned"):
            order = drop.production_order
            production_order_set_quantities(  # the note states the lines' numbers: they move together
                order=order, quantities=quantities, notes=_with_run_note(order.notes, drop.title, run)
            )
        elif quantities != {
            line.variant.sku: line.quantity for line in drop.production_order.lines.select_related("variant")
        }:  # a re-run with nothing new sold is not news
            log.warning(
                "drop %s sold more after cutting started; order %s left as it is",
                drop.slug,
                drop.production_order.number,
            )
        if first_time:
            ids = list(
                PreOrder.objects.filter(drop=drop, state=PreOrder.State.CAPTURED).values_list("pk", flat=True)
            )
            transaction.on_commit(lambda: [notify_drop_funded.enqueue(preorder_id=i) for i in ids])
    return {"captured": len(holds), "units": sum(quantities.values())}


@task()
def drop_release_holds(*, drop_id: int) -> dict:
    """A drop closed unfunded or was cancelled: void what is held, refund what was captured."""
    provider = get_provider()
    done = Counter()
    for hold in PaymentHold.objects.filter(
        drop_id=drop_id, status__in=[PaymentHold.Status.AUTHORIZED, PaymentHold.Status.CAPTURED]
    ):
        if hold.status == PaymentHold.Status.AUTHORIZED:
            provider.void(reference=hold.reference, idempotency_key=f"void:{hold.idempotency_key}")
            status, state = PaymentHold.Status.VOIDED, PreOrder.State.VOIDED
        else:
            provider.refund(reference=hold.reference, idempotency_key=f"refund:{hold.idempotency_key}")
            status, state = PaymentHold.Status.REFUNDED, PreOrder.State.REFUNDED
        with transaction.atomic():
            PaymentHold.objects.filter(pk=hold.pk).update(status=status)
            if hold.preorder_id:
                PreOrder.objects.filter(pk=hold.preorder_id).update(state=state)
        done[status] += 1
    return dict(done)


@task()
def reconcile_holds(*, older_than_s: int = 120) -> dict:
    """Holds asked for or granted but never attached to a pre-order (the process died in between, or the
    client went away): void them, so nobody is charged for an order that does not exist."""
    cutoff = timezone.now() - timedelta(seconds=older_than_s)
    orphans = PaymentHold.objects.filter(
        preorder__isnull=True,
        status__in=[PaymentHold.Status.PENDING, PaymentHold.Status.AUTHORIZED],
        created_at__lt=cutoff,
    )
    voided = 0
    for hold in orphans:
        provider = get_provider(hold.provider)
        if hold.reference:  # a PENDING one without a reference was never granted; nothing to void
            provider.void(reference=hold.reference, idempotency_key=f"void:{hold.idempotency_key}")
        PaymentHold.objects.filter(pk=hold.pk, preorder__isnull=True).update(status=PaymentHold.Status.VOIDED)
        voided += 1
    if voided:
        log.warning("reconciliation voided %d orphan payment hold(s)", voided)
    return {"voided": voided}


def _mail(preorder, subject: str, body: str) -> int:
    return send_mail(subject=subject, message=body, from_email=None, recipient_list=[preorder.email])


@task()
def notify_preorder_received(*, preorder_id: int) -> int:
    po = PreOrder.objects.select_related("drop").get(pk=preorder_id)
    return _mail(
        po,
        f"Your pre-order: {po.units} × {po.drop.title}",
        f"Thank you, {po.name}. {po.amount} {po.currency} is on hold and will be taken only if the drop is "
        f"funded.\nFollow your order: {order_url(po)}",
    )


@task()
def notify_drop_funded(*, preorder_id: int) -> int:
    po = PreOrder.objects.select_related("drop").get(pk=preorder_id)
    return _mail(
        po,
        f"Funded — production started: {po.drop.title}",
        f"{po.drop.title} reached its goal. Your {po.amount} {po.currency} is paid and cutting is being "
        f"planned in Los Angeles.\nFollow your order: {order_url(po)}",
    )
