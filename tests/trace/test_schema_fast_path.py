"""The fast validator (jsonschema-rs) never accepts what the reference (jsonschema) refuses.

Every leaf of GS1's maintained examples is replaced, in turn, by values that sit on the edges of the
schema's rules (formats, patterns, enums, types); a seeded sample of those documents is put to both.
"""

import copy
import json
import random
from pathlib import Path
from typing import Any

from seamline.trace import schema

EXAMPLES = Path(__file__).resolve().parents[1] / "data/standards/epcis/examples-json"
EDGES = (
    "",
    " ",
    "x",
    "ADD\n",
    "add",
    "MTR\n",
    "kgm",
    "+14:00",
    "+14:01",
    "-00:00\n",
    "2024-03-01t10:00:00z",
    "2024-13-01T10:00:00Z",
    "2024-03-01T10:00:00",
    "urn:epc:id:sgtin:0614141.107346.2017",
    "http://ex ample.org/x",
    "https://gs1.org/voc/Bizstep-shipping",
    "urn:epcglobal:cbv:bizstep:shipping",
    "ex:stitching",
    "ü:x",
    "1.2.",
    "0x1F",
    "٣",
    0,
    -1,
    1.5,
    True,
    None,
    [],
    {},
)


def _leaves(node: Any, path: tuple = ()) -> list[tuple]:
    if isinstance(node, dict):
        return [p for key, value in node.items() for p in _leaves(value, (*path, key))]
    if isinstance(node, list):
        return [p for i, value in enumerate(node) for p in _leaves(value, (*path, i))]
    return [path]


def _with(doc: dict, path: tuple, value: Any) -> dict:
    out = copy.deepcopy(doc)
    node = out
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return out


def test_the_fast_path_accepts_nothing_the_reference_refuses():
    rng = random.Random(15)
    documents = [json.loads(p.read_text("utf-8")) for p in sorted(EXAMPLES.glob("*.jsonld"))]
    assert len(documents) == 47
    cases = [(doc, path, value) for doc in documents for path in _leaves(doc) for value in EDGES]
    reference = schema._document_validator()
    refused = accepted = 0
    for doc, path, value in rng.sample(cases, 3000):
        mutated = _with(doc, path, value)
        fast = schema._fast_document_conforms(mutated)
        if not fast:
            refused += 1
            continue
        assert not list(reference.iter_errors(mutated)), (path, value)
        assert not schema._uom_errors(mutated), (path, value)
        accepted += 1
    # the sample reaches both answers, so the test can fail either way
    assert refused > 100 and accepted > 100
