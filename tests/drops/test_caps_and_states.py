"""Cap arithmetic and the drop's state machine, as plain data."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from seamline.drops.caps import Availability, basket_shortfalls, is_funded
from seamline.drops.states import TRANSITIONS, DropState, can_transition


def test_left_of_is_the_tighter_of_variant_and_run_cap():
    a = Availability(run_cap=70, units_sold=65, variant_caps={"S": 10, "M": None}, variant_sold={"S": 8})
    assert (a.units_left, a.left_of("S"), a.left_of("M")) == (5, 2, 5)


def test_funded_by_units_or_revenue():
    assert is_funded(units=50, revenue=Decimal(0), threshold_units=50, threshold_revenue=None)
    assert not is_funded(units=49, revenue=Decimal(0), threshold_units=50, threshold_revenue=None)
    assert is_funded(
        units=1, revenue=Decimal("9000"), threshold_units=None, threshold_revenue=Decimal("9000")
    )


@given(
    run_cap=st.integers(0, 200),
    sold=st.integers(0, 200),
    caps=st.dictionaries(st.sampled_from("SML"), st.one_of(st.none(), st.integers(0, 50)), max_size=3),
    vsold=st.dictionaries(st.sampled_from("SML"), st.integers(0, 50), max_size=3),
    basket=st.dictionaries(st.sampled_from("SML"), st.integers(1, 5), min_size=1, max_size=3),
)
def test_a_basket_that_fits_never_exceeds_any_cap(run_cap, sold, caps, vsold, basket):
    sold = min(sold, run_cap)
    vsold = {k: min(v, caps[k]) if caps.get(k) is not None else v for k, v in vsold.items()}
    a = Availability(run_cap=run_cap, units_sold=sold, variant_caps=caps, variant_sold=vsold)
    short = basket_shortfalls(a, basket)
    if not short:
        assert sold + sum(basket.values()) <= run_cap
        for k, n in basket.items():
            if caps.get(k) is not None:
                assert vsold.get(k, 0) + n <= caps[k]
    else:  # and when it does not fit, the shortfall names a real excess
        assert all(n > 0 for n in short.values())


@given(st.lists(st.sampled_from(list(DropState)), max_size=20))
def test_walks_never_leave_terminal_states(targets):
    state = DropState.DRAFT
    for target in targets:
        if can_transition(state, target):
            assert state not in (DropState.CANCELLED, DropState.CLOSED_UNFUNDED, DropState.FULFILLED)
            state = target
    assert state in TRANSITIONS
