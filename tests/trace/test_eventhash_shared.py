"""Events with the same @context share their namespaces and what each field's value gave under them: an
event's pre-hash is the same whether or not others were hashed before it, whatever shapes they gave the
same values in."""

from __future__ import annotations

import itertools
import random

from seamline.trace import eventhash
from seamline.trace.eventhash import prehash_string

VALUES = [
    "receiving", "1e3", "urn:epcglobal:cbv:bizstep:shipping", "sl:x", "gs1:Energy", "cbv:BizStep-x",
    "urn:epc:id:sgtin:0614141.107346.2017", "urn:x:place", " padded ", "", "+00:00", "12.50", True, 1, 1.0,
    None, {"id": "urn:x:place"}, {"id": "1e3"}, {"id": "urn:x:place", "sl:more": "x"}, ["receiving"],
    ["urn:x:place", "1e3"], [{"id": "urn:x:place"}], {"set": "urn:x:place"},
]  # fmt: skip
KEYS = [
    "bizStep", "disposition", "action", "readPoint", "bizLocation", "persistentDisposition", "epcList",
    "parentID", "quantityList", "eventTimeZoneOffset", "sl:extension",
]  # fmt: skip
CONTEXTS = [None, ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", {"sl": "https://x/"}]]


def _events(n: int) -> list[dict]:
    rng = random.Random(15)
    events = []
    for _ in range(n):
        event = {key: rng.choice(VALUES) for key in rng.sample(KEYS, 4)}
        event |= {"type": "ObjectEvent", "eventTime": "2026-01-01T00:00:00.000Z"}
        if (context := rng.choice(CONTEXTS)) is not None:
            event["@context"] = context
        events.append(event)
    return events


def _alone(event: dict) -> str | Exception:
    eventhash._CONTEXT_NAMESPACES.clear()  # nothing seen before
    return _hashed(event)


def _hashed(event: dict) -> str | Exception:
    try:
        return prehash_string(event)
    except ValueError as exc:  # a dict where a plain value goes: refused the same way every time
        return exc


def test_an_event_hashes_the_same_after_others_as_alone():
    events = _events(400)
    alone = [_alone(e) for e in events]
    eventhash._CONTEXT_NAMESPACES.clear()
    pairs = list(zip(events, alone, strict=True))
    for event, expected in itertools.chain(pairs, reversed(pairs)):  # each seen before, in both orders
        got = _hashed(event)
        assert type(got) is type(expected) and str(got) == str(expected), event
