"""Two people move the same order at the same moment: exactly one wins, on SQLite and PostgreSQL alike."""

import threading

import pytest
from django.db import connection

from seamline.core.errors import ConflictError
from seamline.production.models import OrderTransition, ProductionOrder
from seamline.production.services import production_order_transition
from tests import factories as f


@pytest.mark.django_db(transaction=True)
def test_racing_transitions_have_one_winner(brand, factory):
    order = f.make_order(brand.org, factory.org)
    production_order_transition(order=order, target="planned", organization=brand.org)
    barrier = threading.Barrier(6)
    outcomes: list[str] = []
    lock = threading.Lock()

    def move(target: str) -> None:
        try:
            barrier.wait()
            production_order_transition(order=order, target=target, organization=factory.org)
            result = f"won:{target}"
        except ConflictError:
            result = "refused"
        finally:
            connection.close()  # this thread's own connection
        with lock:
            outcomes.append(result)

    # Six people press "start cutting" at once: the first moves the order, the rest find it already cutting.
    threads = [threading.Thread(target=move, args=("cutting",)) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    winners = [o for o in outcomes if o.startswith("won")]
    assert len(outcomes) == 6 and len(winners) == 1, outcomes
    assert ProductionOrder.objects.get(pk=order.pk).state == "cutting"
    assert OrderTransition.objects.filter(order=order, target="cutting").count() == 1
