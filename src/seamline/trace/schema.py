"""Validation of EPCIS 2.0 JSON documents and events against GS1's JSON Schema, format checks on.

Two validators of the same schema: jsonschema-rs answers "valid" quickly (a capture document of 100
events in ~1 ms instead of ~100 ms with jsonschema), using jsonschema's own format checkers so both agree
on what a date-time or a URI is; only when it says "invalid" does jsonschema run to name every bad field.
Errors carry ``(path, message)`` pairs with dotted paths such as
``epcisBody.eventList[0].quantityList[0].uom`` so an API can answer 422 naming the bad field.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from importlib import resources
from typing import Any

import jsonschema_rs
import orjson
from jsonschema import Draft7Validator
from jsonschema.exceptions import ValidationError

DOCUMENT_TYPES = ("EPCISDocument", "EPCISQueryDocument")

# How deep a document may nest, counting objects and arrays (the document is level 1). GS1's own examples
# reach 12; at ~250 levels orjson can no longer write an event and at ~900 the hash and the checks run out
# of stack: a limit well above real documents and well below both.
MAX_DEPTH = 32
# Text the ledger cannot store: PostgreSQL refuses NUL in text, and a lone surrogate is not UTF-8.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
SCHEMA_FILE = "EPCIS-JSON-Schema.json"  # gs1/EPCIS snapshot 2023-05-16, see standards/GS1-DISCLAIMER.txt

# UN/CEFACT Recommendation 20 common codes: two or three upper-case letters or digits (MTR, KGM, CEL).
REC20_CODE = re.compile(r"[A-Z0-9]{2,3}")

# Without these checkers jsonschema skips "format" silently and e.g. a bizStep "shiping" would pass
# (a non-URI custom bizStep is only rejected by format "uri").
_REQUIRED_FORMATS = ("date-time", "uri")
if missing := [f for f in _REQUIRED_FORMATS if f not in Draft7Validator.FORMAT_CHECKER.checkers]:
    raise ImportError(f"jsonschema format checkers missing for {missing}: install jsonschema[format-nongpl]")


class EpcisSchemaError(ValueError):
    """The document or event does not conform; ``errors`` lists ``(path, message)`` pairs."""

    def __init__(self, errors: list[tuple[str, str]]):
        self.errors = errors
        super().__init__("; ".join(f"{path or '(document)'}: {message}" for path, message in errors))


def validate_document(doc: Any) -> None:
    """Validate an EPCISDocument or EPCISQueryDocument. Raises EpcisSchemaError."""
    if not isinstance(doc, Mapping) or doc.get("type") not in DOCUMENT_TYPES:
        # the schema picks document vs event rules by "type"; without it every branch complains
        got = doc.get("type") if isinstance(doc, Mapping) else None
        message = (
            "'type' is a required property" if got is None else f"{got!r} is not one of {DOCUMENT_TYPES}"
        )
        raise EpcisSchemaError([("type", message)])
    if shape := shape_errors(doc):
        raise EpcisSchemaError(shape)
    if _fast_document_conforms(doc):
        return
    errors = _schema_errors(_document_validator(), doc)
    # A document-level blank-node id ("_:document1", used by GS1's own examples) is valid JSON-LD but
    # fails the schema's strict "uri" format; accept it there and only there.
    errors = [
        (path, message)
        for path, message, validator, instance in errors
        if not (path == "id" and validator == "format" and _is_blank_node(instance))
    ]
    _raise_if_any(errors, _uom_errors(doc))


def validate_event(event: Any) -> None:
    """Validate one event as it appears in an eventList (no own @context needed). Raises EpcisSchemaError."""
    if shape := shape_errors(event):
        raise EpcisSchemaError(shape)
    if _fast_event_conforms(event) and _uoms_conform(event):
        return
    errors = [(p, m) for p, m, _, _ in _schema_errors(_event_validator(), event)]
    _raise_if_any(errors, _uom_errors(event))


def shape_errors(instance: Any, *, limit: int = 20) -> list[tuple[str, str]]:
    """What no schema says but storing needs: nesting within MAX_DEPTH, no NUL or lone surrogate in any
    key or string. Walked without recursion (the checks after it recurse); at most ``limit`` errors.

    >>> shape_errors({"a": ["ok", "n" + chr(0)], "b": [[[]]]})
    [('a[1]', 'contains a NUL character or a lone surrogate, which the ledger cannot store')]
    """
    if _well_shaped(instance):
        return []
    if isinstance(instance, str):
        return [("", _UNSTORABLE_MESSAGE)] if _UNSTORABLE.search(instance) else []
    errors: list[tuple[str, str]] = []
    stack: list[tuple[Any, int, tuple[Any, ...]]] = [(instance, 1, ())]
    while stack and len(errors) < limit:
        node, depth, where = stack.pop()
        if not isinstance(node, Mapping | list):
            continue
        if depth > MAX_DEPTH:
            errors.append((_format_path(where), f"nested deeper than {MAX_DEPTH} levels, the most accepted"))
            continue
        for key, value in node.items() if isinstance(node, Mapping) else enumerate(node):
            if isinstance(key, str) and _UNSTORABLE.search(key):
                errors.append((_format_path((*where, _printable(key))), _UNSTORABLE_MESSAGE))
            elif isinstance(value, str):
                if _UNSTORABLE.search(value):
                    errors.append((_format_path((*where, key)), _UNSTORABLE_MESSAGE))
            elif isinstance(value, Mapping | list):
                stack.append((value, depth + 1, (*where, key)))
    return sorted(errors)[:limit]


def _well_shaped(instance: Any) -> bool:
    """The quick answer for almost every document (a few ms for 1,000 events): orjson writes it (no lone
    surrogate, under its own depth limit) with no NUL escape, and no container is nested too deep. Anything
    else is walked again with paths (the text "\\u0000" written out may send a good document there too)."""
    try:
        if b"\\u0000" in orjson.dumps(instance):
            return False
    except TypeError:  # orjson.JSONEncodeError too
        return False
    # orjson wrote it, so its containers are dicts and lists: checked as such (the Mapping ABC is slower)
    stack = [(instance, 1)] if isinstance(instance, dict | list) else []
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            return False
        for value in node.values() if isinstance(node, dict) else node:
            if isinstance(value, dict | list):
                stack.append((value, depth + 1))
    return True


_UNSTORABLE_MESSAGE = "contains a NUL character or a lone surrogate, which the ledger cannot store"


def _printable(key: str) -> str:
    return _UNSTORABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", key)


# ---------------------------------------------------------------------------------------------------


@cache
def _schema() -> dict[str, Any]:
    text = resources.files("seamline.trace").joinpath("standards", SCHEMA_FILE).read_text("utf-8")
    return json.loads(text)


@cache
def _document_validator() -> Draft7Validator:
    schema = _schema()
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER)


def _event_schema() -> dict[str, Any]:
    root = _schema()
    return {
        "$schema": root["$schema"],
        "definitions": root["definitions"],
        "allOf": [{"$ref": "#/definitions/EPCIS-Document-Event"}],
    }


@cache
def _event_validator() -> Draft7Validator:
    return Draft7Validator(_event_schema(), format_checker=Draft7Validator.FORMAT_CHECKER)


# The fast path ---------------------------------------------------------------------------------------

# jsonschema-rs (compiled Rust) answers "valid?" for a 100-event document in about 1 ms (fastjsonschema
# took 7-14 ms, jsonschema ~100 ms). jsonschema, the reference, runs only when it says "invalid", to name
# the errors; so where the two could differ (a regex's "$" before a final newline), jsonschema decides.
# The formats are jsonschema's own checkers, so both agree on what a date-time or a URI is.

_FORMAT_MEMO = 50_000  # answers kept per format: a document names the same places, steps and EPCs again


def _format_check(name: str) -> Callable[[str], bool]:
    # Its answer depends on the value alone, so it is remembered (bounded: emptied when full).
    checker = Draft7Validator.FORMAT_CHECKER
    memo: dict[Any, bool] = {}

    def check(value: Any) -> bool:
        try:
            return memo[value]
        except KeyError:
            pass
        except TypeError:  # not hashable: never a string, asked anyway
            return checker.conforms(value, name)
        answer = checker.conforms(value, name)
        if len(memo) >= _FORMAT_MEMO:
            memo.clear()
        memo[value] = answer
        return answer

    return check


def _fast_compile(schema: dict[str, Any]) -> Any:
    formats = {name: _format_check(name) for name in Draft7Validator.FORMAT_CHECKER.checkers}
    return jsonschema_rs.validator_for(schema, formats=formats, validate_formats=True)


@cache
def _fast_document_validator() -> Any:
    return _fast_compile(_schema())


@cache
def _fast_event_validator() -> Any:
    return _fast_compile(_event_schema())


def _fast_event_conforms(event: Any) -> bool:
    """The schema of an eventList item holds (no uom check)."""
    return _fast_conforms(_fast_event_validator(), event)


def _fast_document_conforms(doc: Mapping[str, Any]) -> bool:
    """The document schema and the uom rule hold."""
    return _fast_conforms(_fast_document_validator(), doc) and _uoms_conform(doc)


def _fast_conforms(validator: Any, instance: Any) -> bool:
    try:
        return validator.is_valid(instance)
    except ValueError:  # a value JSON has no type for: the reference path decides
        return False


def _uoms_conform(node: Any) -> bool:
    """No _uom_errors, walked without paths (the answer for almost every document)."""
    stack = [node]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            uom = node.get("uom")
            if isinstance(uom, str) and not REC20_CODE.fullmatch(uom):
                return False
            stack.extend(v for v in node.values() if isinstance(v, dict | list))
        elif isinstance(node, list):
            stack.extend(v for v in node if isinstance(v, dict | list))
        elif isinstance(node, Mapping):  # another mapping: the walk with paths decides
            return not _uom_errors(node)
    return True


def _schema_errors(validator: Draft7Validator, instance: Any) -> list[tuple[str, str, str, Any]]:
    found: dict[tuple[str, str], tuple[str, str, str, Any]] = {}
    for error in validator.iter_errors(instance):
        for leaf in _leaves(error):
            path = _error_path(leaf)
            # anyOf branches can repeat the same complaint: one per (path, message)
            found.setdefault((path, leaf.message), (path, leaf.message, str(leaf.validator), leaf.instance))
    # An object without "type" fails every event-type branch; report only the missing type for it.
    typeless = {p.removesuffix("type").removesuffix(".") for p, m in found if m == _TYPE_REQUIRED}
    kept = [
        f for f in found.values() if f[1] == _TYPE_REQUIRED or not any(_within(f[0], t) for t in typeless)
    ]
    return sorted(kept, key=lambda f: f[0])


_TYPE_REQUIRED = "'type' is a required property"


def _within(path: str, parent: str) -> bool:
    return not parent or path == parent or path.startswith((parent + ".", parent + "["))


def _leaves(error: ValidationError) -> Iterable[ValidationError]:
    """anyOf/oneOf errors say only 'not valid under any of the given schemas': use the sub-error of the
    branch that got furthest into the instance (a bad epc beats "quantityList is required")."""
    while error.context:
        missing_type = [e for e in error.context if e.validator == "required" and _missing(e) == "type"]
        if missing_type:  # the event types are told apart by "type": without it, that is the error
            error = missing_type[0]
            break
        error = max(error.context, key=lambda e: (len(e.absolute_path), e.validator != "required"))
    yield error


def _missing(error: ValidationError) -> str | None:
    m = _REQUIRED_MESSAGE.match(error.message)
    return m.group(1) if m else None


_REQUIRED_MESSAGE = re.compile(r"'(.+)' is a required property$")


def _error_path(error: ValidationError) -> str:
    if error.validator == "required" and (name := _missing(error)):
        return _format_path([*error.absolute_path, name])  # name the missing field itself
    return _format_path(error.absolute_path)


def _format_path(parts: Iterable[Any]) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _is_blank_node(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("_:") and len(value) > 2


def _uom_errors(node: Any, path: str = "") -> list[tuple[str, str]]:
    """Every "uom" must be a Rec 20 common code; the schema checks only quantity elements, not sensor
    reports or extensions, and its pattern message does not say what is wrong."""
    errors: list[tuple[str, str]] = []
    if isinstance(node, Mapping):
        for key, value in node.items():
            child = f"{path}.{key}" if path else str(key)
            if key == "uom" and isinstance(value, str) and not REC20_CODE.fullmatch(value):
                hint = f" (did you mean {value.upper()!r}?)" if REC20_CODE.fullmatch(value.upper()) else ""
                message = f"{value!r} is not a UN/CEFACT Rec 20 unit code: 2-3 upper-case letters or digits"
                errors.append((child, message + hint))
            else:
                errors.extend(_uom_errors(value, child))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            errors.extend(_uom_errors(value, f"{path}[{i}]"))
    return errors


def _raise_if_any(schema_errors: list[tuple[str, str]], uom_errors: list[tuple[str, str]]) -> None:
    uom_paths = {path for path, _ in uom_errors}
    # Our uom message replaces the schema's bare pattern message at the same path.
    errors = [(p, m) for p, m in schema_errors if p not in uom_paths] + uom_errors
    if errors:
        raise EpcisSchemaError(sorted(errors))
