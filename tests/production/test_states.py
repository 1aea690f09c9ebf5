"""The state machine as plain data: legal paths work, everything else is refused."""

from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from seamline.production.states import BRAND, FACTORY, TRANSITIONS, State, allowed_targets, can_transition

HAPPY_PATH = ["draft", "planned", "cutting", "sewing", "finishing", "packed", "delivered"]


def test_the_factory_walks_the_happy_path():
    for source, target in pairwise(HAPPY_PATH):
        party = BRAND if target == "planned" else FACTORY
        assert can_transition(source, target, party=party), (source, target)


def test_terminal_states_go_nowhere():
    for terminal in ("delivered", "cancelled"):
        assert allowed_targets(terminal, party=FACTORY) == []
        assert allowed_targets(terminal, party=BRAND) == []


def test_brand_cannot_move_the_work_forward_or_cancel_after_cutting():
    assert not can_transition("planned", "cutting", party=BRAND)
    assert not can_transition("cutting", "cancelled", party=BRAND)
    assert can_transition("planned", "cancelled", party=BRAND)


def test_no_skipping_steps_or_going_back():
    assert not can_transition("draft", "cutting", party=FACTORY)
    assert not can_transition("sewing", "cutting", party=FACTORY)
    assert not can_transition("packed", "cancelled", party=FACTORY)


states = st.sampled_from(list(State))
parties = st.sampled_from([BRAND, FACTORY])


@given(st.lists(st.tuples(states, parties), max_size=30))
def test_any_walk_of_allowed_moves_stays_on_the_graph(moves):
    """Applying only allowed moves never leaves the graph, and nothing leaves a terminal state."""
    state = State.DRAFT
    for target, party in moves:
        if can_transition(state, target, party=party):
            assert target in TRANSITIONS[state]
            state = target
    assert state in TRANSITIONS


@given(states, states, parties)
def test_can_transition_agrees_with_allowed_targets(source, target, party):
    assert can_transition(source, target, party=party) == (target in allowed_targets(source, party=party))
