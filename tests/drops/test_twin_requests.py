"""Two requests with one Idempotency-Key at once (a double click, or a retry while the first still runs)."""

import uuid

import pytest

from seamline.drops.errors import IdempotencyConflict
from seamline.drops.models import PaymentHold, PreOrder
from seamline.drops.payments.manual import ManualProvider

from .helpers import buy, make_drop


@pytest.fixture(autouse=True)
def _no_background_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


class TwinFirst(ManualProvider):
    """The payment provider at which the twin request overtakes: while this request's hold is being
    authorized, the twin (same key, same body) places the pre-order with that very hold."""

    def __init__(self, twin) -> None:
        self.twin = twin

    def authorize(self, **kw):
        if self.twin is not None:
            twin, self.twin = self.twin, None
            twin()
        return super().authorize(**kw)


@pytest.mark.parametrize(
    ("run_cap", "qty"), [(10, 2), (2, 2), (1, 1)], ids=["customer-limit", "run-cap", "one"]
)
def test_the_late_twin_answers_with_the_order_and_keeps_its_hold(brand, factory, run_cap, qty):
    drop = make_drop(brand.org, factory.org, run_cap=run_cap, threshold=1, per_customer=2)
    key = uuid.uuid4().hex
    first: list[PreOrder] = []

    po, created = buy(
        drop, "M", qty, key=key, provider=TwinFirst(lambda: first.append(buy(drop, "M", qty, key=key)[0]))
    )

    assert not created and po.pk == first[0].pk
    assert PreOrder.objects.filter(drop=drop).count() == 1
    assert PaymentHold.objects.get(preorder=po).status == "authorized"


def test_a_twin_with_another_body_is_refused_and_keeps_the_first_hold(brand, factory):
    drop = make_drop(brand.org, factory.org, run_cap=10, threshold=1, per_customer=2)
    key = uuid.uuid4().hex
    first: list[PreOrder] = []

    with pytest.raises(IdempotencyConflict):
        buy(
            drop,
            "M",
            2,
            n=2,
            key=key,
            provider=TwinFirst(lambda: first.append(buy(drop, "M", 2, key=key)[0])),
        )

    assert PreOrder.objects.filter(drop=drop).count() == 1
    assert PaymentHold.objects.get(preorder=first[0]).status == "authorized"
