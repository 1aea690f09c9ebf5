from datetime import date, timedelta

import pytest
from django.core import mail

from seamline.core.errors import ConflictError, ValidationError
from seamline.production.models import OrderTransition, ProductionOrder
from seamline.production.selectors import order_counts_by_state, order_get, order_list
from seamline.production.services import production_order_create, production_order_transition
from tests import factories as f


def test_create_a_draft_with_its_breakdown(brand, factory):
    style = f.make_style(brand.org)
    order = f.make_order(brand.org, factory.org, style, S=6, M=12, L=18)
    got = order_get(organization=brand.org, pk=order.pk)
    assert got.state == "draft" and got.units == 36 and got.number == f"PO-{order.pk:05d}"
    assert [(ln.variant.size, ln.quantity) for ln in got.lines.all()] == [("S", 6), ("M", 12), ("L", 18)]
    assert [(t.source, t.target) for t in got.transitions.all()] == [("", "draft")]


def test_bad_breakdown_names_each_problem_and_writes_nothing(brand, factory, other_brand):
    style = f.make_style(brand.org)
    sku = style.variants.first().sku
    with pytest.raises(ValidationError) as err:
        production_order_create(
            brand=brand.org,
            factory=factory.org,
            style=style,
            due_date="soon",
            quantities={sku: 0, "NOPE-1": 3},
        )
    assert set(err.value.fields) == {"due_date", f"quantities.{sku}", "quantities.NOPE-1"}
    with pytest.raises(ValidationError) as err:  # another brand's style, a brand as factory
        production_order_create(
            brand=other_brand.org,
            factory=brand.org,
            style=style,
            due_date=date.today() + timedelta(days=9),
            quantities={sku: 1},
        )
    assert set(err.value.fields) == {"style", "factory"}
    assert ProductionOrder.objects.count() == 0


def test_transitions_are_recorded_and_illegal_ones_refused(brand, factory):
    order = f.make_order(brand.org, factory.org)
    production_order_transition(order=order, target="planned", organization=brand.org, by=brand.user)
    production_order_transition(order=order, target="cutting", organization=factory.org, by=factory.user)
    with pytest.raises(ConflictError) as err:
        production_order_transition(order=order, target="packed", organization=factory.org)
    assert str(err.value).startswith("A factory cannot move an order from cutting to packed (allowed: sewing")
    with pytest.raises(ConflictError):
        production_order_transition(order=order, target="cancelled", organization=brand.org)
    order.refresh_from_db()
    assert order.state == "cutting"
    assert list(order.transitions.values_list("target", flat=True)) == ["draft", "planned", "cutting"]


def test_unknown_state_is_a_validation_error(brand, factory):
    order = f.make_order(brand.org, factory.org)
    with pytest.raises(ValidationError) as err:
        production_order_transition(order=order, target="teleported", organization=brand.org)
    assert "target" in err.value.fields
    assert OrderTransition.objects.filter(order=order).count() == 1


def test_placing_an_order_emails_the_factory_after_commit(
    brand, factory, django_capture_on_commit_callbacks, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    order = f.make_order(brand.org, factory.org, S=3, M=4, L=5)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        production_order_transition(order=order, target="planned", organization=brand.org)
    assert mail.outbox == []  # nothing leaves before the transaction commits
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [factory.user.email]
    assert mail.outbox[0].subject.endswith("placed 12 × Chore Jacket")


def test_lists_and_counts_are_per_tenant(brand, other_brand, factory, other_factory):
    mine = f.make_order(brand.org, factory.org)
    f.make_order(other_brand.org, other_factory.org)
    production_order_transition(order=mine, target="planned", organization=brand.org)
    assert list(order_list(organization=brand.org)) == [mine]
    assert list(order_list(organization=factory.org)) == [mine]
    assert order_get(organization=other_factory.org, pk=mine.pk) is None
    assert dict(order_counts_by_state(organization=factory.org)) == {
        "draft": 0,
        "planned": 1,
        "cutting": 0,
        "sewing": 0,
        "finishing": 0,
        "packed": 0,
    }


def test_order_list_query_count_does_not_grow(brand, factory, django_assert_num_queries):
    style = f.make_style(brand.org)
    for _ in range(3):
        f.make_order(brand.org, factory.org, style)
    with django_assert_num_queries(1):
        assert len([(o.style.name, o.factory.name, o.units) for o in order_list(organization=brand.org)]) == 3
    for _ in range(7):
        f.make_order(brand.org, factory.org, style)
    with django_assert_num_queries(1):
        assert (
            len([(o.style.name, o.factory.name, o.units) for o in order_list(organization=brand.org)]) == 10
        )


def _skus(style) -> dict[str, str]:
    return {v.size: v.sku for v in style.variants.all()}


def test_an_order_of_absurd_size_is_refused_at_its_sku(brand, factory):
    style = f.make_style(brand.org)
    sku = _skus(style)
    due = date.today() + timedelta(days=30)
    with pytest.raises(ValidationError) as err:
        production_order_create(
            brand=brand.org,
            factory=factory.org,
            style=style,
            due_date=due,
            quantities={sku["S"]: 99_999_999_999, sku["M"]: 5},
        )
    assert err.value.fields == {
        f"quantities.{sku['S']}": "At most 10,000 units an order (got 99,999,999,999)."
    }
    with pytest.raises(ValidationError) as err:  # every line sane, the order not
        production_order_create(
            brand=brand.org,
            factory=factory.org,
            style=style,
            due_date=due,
            quantities={sku["S"]: 6000, sku["M"]: 4001},
        )
    assert err.value.fields == {"quantities": "An order holds at most 10,000 units (these add up to 10,001)."}
    assert ProductionOrder.objects.count() == 0
    order = production_order_create(
        brand=brand.org,
        factory=factory.org,
        style=style,
        due_date=due,
        quantities={sku["S"]: 6000, sku["M"]: 4000},
    )
    assert order.units == 10_000


def test_a_new_order_cannot_be_due_in_the_past(brand, factory):
    style = f.make_style(brand.org)
    qty = {_skus(style)["M"]: 3}
    with pytest.raises(ValidationError) as err:
        production_order_create(
            brand=brand.org, factory=factory.org, style=style, due_date="2020-06-01", quantities=qty
        )
    assert list(err.value.fields) == ["due_date"]
    assert err.value.fields["due_date"].startswith("2020-06-01 is in the past")
    assert ProductionOrder.objects.count() == 0


def test_an_order_due_today_in_los_angeles_is_accepted_when_utc_is_already_tomorrow(
    brand, factory, monkeypatch
):
    from datetime import UTC, datetime

    from django.utils import timezone

    # 06:00 UTC on 10 March is still 9 March, 11 pm, in Los Angeles.
    monkeypatch.setattr(timezone, "now", lambda: datetime(2027, 3, 10, 6, 0, tzinfo=UTC))
    style = f.make_style(brand.org)
    qty = {_skus(style)["M"]: 3}
    order = production_order_create(
        brand=brand.org, factory=factory.org, style=style, due_date="2027-03-09", quantities=qty
    )
    assert order.due_date == date(2027, 3, 9)
    with pytest.raises(ValidationError) as err:
        production_order_create(
            brand=brand.org, factory=factory.org, style=style, due_date="2027-03-08", quantities=qty
        )
    assert list(err.value.fields) == ["due_date"]


def test_a_backdated_record_may_be_due_in_the_past(brand, factory):
    """What the demo seed's delivered sample run uses; people's input never passes `backdated`."""
    style = f.make_style(brand.org)
    order = production_order_create(
        brand=brand.org,
        factory=factory.org,
        style=style,
        due_date=date.today() - timedelta(days=1),
        quantities={_skus(style)["M"]: 3},
        backdated=True,
    )
    assert order.due_date == date.today() - timedelta(days=1)
