"""The EPCIS 2.0 REST interface (GS1's OpenAPI, without XML and WebSocket subscriptions), at /epcis/.

    GET  /epcis/                      the top-level resources (discovery)
    POST /epcis/capture               an EPCISDocument or EPCISQueryDocument: 202 and Location of the job;
                                      GS1-Capture-Error-Behaviour: rollback (default: all or nothing) or
                                      proceed (the good events stored, the bad ones listed on the job)
    GET  /epcis/capture               the caller's capture jobs, newest first (perPage, Link: rel=next)
    GET  /epcis/capture/<id>          the job (running, success, per-event errors)
    POST /epcis/events                one event: 201 (200 when it is already recorded)
    GET  /epcis/events                SimpleEventQuery parameters; perPage and Link: rel=next
    GET  /epcis/events/<eventID>      an EPCISQueryDocument: the event and its error declarations
    GET  /epcis/<resource>            eventTypes, epcs, bizSteps, bizLocations, readPoints, dispositions:
                                      the values the caller's events name (a Collection, paged)
    GET  /epcis/<resource>/<value>    its sub-resources (["events"]); 404 for a value no event names
    GET  /epcis/<resource>/<value>/events   the caller's events with that value, paged like /events
    OPTIONS on each of them           Allow and the GS1-EPCIS-/CBV- version, extension and limit headers
    GET  /epcis/context/seamline.jsonld   the JSON-LD context of Seamline's vocabulary
    POST /epcis/queries               a named query ({"name", "query": {parameter: values}}): 201 and
                                      Location; bad parameters 400 QueryParameterException, a taken name 409
    GET  /epcis/queries               the caller's named queries, by name (perPage, Link: rel=next)
    GET  /epcis/queries/<name>        its definition; DELETE: gone, with its subscriptions (204)
    GET  /epcis/queries/<name>/events the query run: an EPCISQueryDocument, paged like /events
    POST /epcis/queries/<name>/subscriptions   a webhook (dest, signatureToken, stream: true or a
                                      schedule, reportIfEmpty, initialRecordTime): 201 and Location;
                                      GET lists them (never their secrets)
    GET  /epcis/queries/<name>/subscriptions/<id>   the subscription; DELETE: unsubscribed (204)
                                      Deliveries: trace.subscriptions (signed GS1-Signature, retried)

Bearer tokens as for /api/v1 (a partner's token is bound to its facility), or the signed-in session for
reads. Answers are JSON (406 for an Accept that takes none); bodies must be JSON (415). Errors are
RFC 9457 problem details typed with GS1's `epcisException:…` names and naming the path of each bad field;
a body or a document too large for one capture is 413, and every answer of the capture interface states
its limits. Any other path under /epcis/ is a problem-details 404.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Mapping
from datetime import timedelta
from functools import wraps
from typing import Any
from urllib.parse import quote
from uuid import UUID

import orjson
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from seamline.accounts.selectors import token_authenticate
from seamline.core.errors import DomainError
from seamline.core.problems import PROBLEM_JSON

from . import subscriptions
from .events import EPCIS_CONTEXT, VOCAB, seamline_context
from .models import CaptureJob, Event, EventEpc
from .query import SUBSCRIPTION_PARAMS
from .records import vocabulary_uri
from .schema import MAX_DEPTH, EpcisSchemaError, validate_event
from .selectors import QueryTooLarge, events_query, parse_query, visible_events
from .services import ERROR_BEHAVIOURS, MAX_CAPTURE_EVENTS, capture_document, ledger_event_id
from .verify import verification_header

EPCIS_JSON = "application/ld+json"
_JSON_TYPES = ("application/json", EPCIS_JSON)
_VERSIONS = {"GS1-EPCIS-Version": "2.0.0", "GS1-CBV-Version": "2.0.0"}
_DISCOVERY = {
    **_VERSIONS,
    "GS1-EPCIS-Min": "2.0.0",
    "GS1-EPCIS-Max": "2.0.0",
    "GS1-CBV-Min": "2.0.0",
    "GS1-CBV-Max": "2.0.0",
    "GS1-EPC-Format": "Never_Translates",  # identifiers are answered as they were captured
    "GS1-Extensions": f"sl={VOCAB}",
    "GS1-Vendor-Version": "seamline",
}
# How long a next-page token is promised to work (they are positions in the ledger: they never expire).
_TOKEN_LIFETIME = timedelta(days=1)
_PER_PAGE, _MAX_PER_PAGE = 100, 1000
_STATUS_EXCEPTIONS = {
    400: "ValidationException",
    401: "SecurityException",
    403: "SecurityException",
    404: "NoSuchNameException",
    409: "ResourceAlreadyExistsException",
    413: "CaptureLimitExceededException",
    422: "ValidationException",
}


# Answers ------------------------------------------------------------------------------------------------


def _problem(
    request: HttpRequest,
    status: int,
    title: str,
    detail: str,
    *,
    exception: str | None = None,
    errors: Mapping[str, str] | None = None,
) -> HttpResponse:
    """RFC 9457 problem details typed as GS1's epcisException (EPCIS 2.0 §12.3), with field errors."""
    body: dict[str, Any] = {
        "type": f"epcisException:{exception or _STATUS_EXCEPTIONS.get(status, 'ImplementationException')}",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.get_full_path(),
    }
    if errors:
        body["errors"] = [{"field": field, "message": message} for field, message in errors.items()]
    response = HttpResponse(orjson.dumps(body), status=status, content_type=PROBLEM_JSON)
    for name, value in _VERSIONS.items():
        response[name] = value
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="epcis"'
    return response


def _domain_problem(request: HttpRequest, exc: DomainError) -> HttpResponse:
    title = {422: "Unprocessable Content", 409: "Conflict"}.get(exc.status, exc.title)
    # an error that names its GS1 exception (QueryTooLarge) keeps it; others are typed by their status
    exception = exc.code if exc.code.endswith("Exception") else None
    return _problem(request, exc.status, title, exc.detail, exception=exception, errors=exc.fields)


def _respond(body: Any, *, status: int = 200, headers: Mapping[str, str] | None = None) -> HttpResponse:
    response = HttpResponse(orjson.dumps(body), status=status, content_type=EPCIS_JSON)
    for name, value in {**_VERSIONS, **(headers or {})}.items():
        response[name] = value
    return response


def _capture_limits() -> dict[str, str]:
    """What the capture interface takes at once (GS1 EPCIS 2.0 REST binding headers)."""
    limits = {"GS1-EPCIS-Capture-Limit": str(MAX_CAPTURE_EVENTS), "GS1-Capture-Error-Behaviour": "all"}
    if settings.DATA_UPLOAD_MAX_MEMORY_SIZE is not None:
        limits["GS1-EPCIS-Capture-File-Size-Limit"] = str(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    return limits


def _next_page(request: HttpRequest, token: str | None) -> dict[str, str]:
    """The Link header of the next page (the same query, the token added) and when the token expires."""
    if not token:
        return {}
    params = request.GET.copy()
    params["nextPageToken"] = token
    expires = (timezone.now() + _TOKEN_LIFETIME).isoformat(timespec="seconds").replace("+00:00", "Z")
    return {
        "Link": f'<{request.path}?{params.urlencode()}>; rel="next"',
        "GS1-Next-Page-Token-Expires": expires,
    }


# Every resource: methods, OPTIONS, content negotiation, the caller --------------------------------------


class _Caller:
    def __init__(self, organization: Any, facility_uri: str | None) -> None:
        self.organization = organization
        self.facility_uri = facility_uri


def _caller(request: HttpRequest, *, write: bool) -> _Caller | None:
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        key = header[7:].strip()
        token = None if "\x00" in key else token_authenticate(key=key)  # PostgreSQL refuses NUL in text
        if token is None:
            return None
        facility = token.facility.epc_uri if token.facility_id else None
        return _Caller(token.organization, facility)
    org = getattr(request, "organization", None)
    if not write and request.user.is_authenticated and org is not None:
        return _Caller(org, None)
    return None


View = Callable[..., HttpResponse]


def _resource(*methods: str, limits: bool = False, anonymous: bool = False) -> Callable[[View], View]:
    """A GS1 resource answering ``methods`` and OPTIONS: 405, 406, 415 and 401 before the view runs, which
        gets the caller as its second argument. ``limits``: every answer carries the capture limits (every
    answer to a POST does)."""
    allow = ", ".join(("OPTIONS", *methods))

    def decorate(view: View) -> View:
        @csrf_exempt
        @wraps(view)
        def handle(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            response = _handle(request, view, methods, anonymous, *args, **kwargs)
            response["Allow"] = allow
            if limits or request.method == "POST":  # every POST here is a capture
                for name, value in _capture_limits().items():
                    response[name] = value
            return response

        return handle

    return decorate


def _handle(
    request: HttpRequest, view: View, methods: tuple[str, ...], anonymous: bool, *args: Any, **kwargs: Any
) -> HttpResponse:
    if request.method == "OPTIONS":
        response = HttpResponse(status=204)
        for name, value in _DISCOVERY.items():
            response[name] = value
        return response
    if request.method not in methods:
        detail = f"{request.method} is not allowed here; use {', '.join(methods)}"
        return _problem(request, 405, "Method Not Allowed", detail, exception="MethodNotAllowedException")
    if "Accept" in request.headers and not any(request.accepts(t) for t in (*_JSON_TYPES, PROBLEM_JSON)):
        return _problem(
            request,
            406,
            "Not Acceptable",
            f"Answers are {EPCIS_JSON} or application/json, not {request.headers['Accept']}",
            exception="NotAcceptableException",
        )
    if request.method == "POST" and not _is_json(request.content_type):
        return _problem(
            request,
            415,
            "Unsupported Media Type",
            f"Send {EPCIS_JSON} or application/json, not {request.content_type or 'no Content-Type'}",
            exception="UnsupportedMediaTypeException",
        )
    caller = None if anonymous else _caller(request, write=request.method == "POST")
    if caller is None and not anonymous:
        detail = "Send Authorization: Bearer <API token> (a signed-in session may read)."
        return _problem(request, 401, "Unauthorized", detail)
    return view(request, caller, *args, **kwargs)


def _is_json(content_type: str | None) -> bool:
    return bool(content_type) and (content_type in _JSON_TYPES or content_type.endswith("+json"))


class _BadBody(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status, self.detail = status, detail


def _json_body(request: HttpRequest) -> Any:
    """The body as JSON. orjson: it refuses NaN, lone surrogates and nesting past 1,024 levels with an
    error where json.loads would recurse until the interpreter gives up."""
    try:
        body = request.body
    except RequestDataTooBig as exc:
        size = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raise _BadBody(413, f"The body is larger than {size:,} bytes, the most one capture takes") from exc
    try:
        return orjson.loads(body or b"null")
    except orjson.JSONDecodeError as exc:
        if "depth" in str(exc):
            raise _BadBody(
                400, f"Not JSON: nested deeper than {MAX_DEPTH} levels, the most accepted"
            ) from exc
        raise _BadBody(400, f"Not JSON: {exc}") from exc


def _body_problem(request: HttpRequest, exc: _BadBody) -> HttpResponse:
    title = "Capture payload too large" if exc.status == 413 else "Bad Request"
    return _problem(request, exc.status, title, exc.detail)


# Discovery ----------------------------------------------------------------------------------------------

TOP_LEVEL = (
    "queries",
    "capture",
    "events",
    "eventTypes",
    "epcs",
    "readPoints",
    "bizLocations",
    "dispositions",
    "bizSteps",
)


def _collection(members: list[str]) -> dict[str, Any]:
    return {"@context": EPCIS_CONTEXT, "type": "Collection", "member": members}


@_resource("GET")
def root(request: HttpRequest, caller: _Caller) -> HttpResponse:
    return _respond(_collection(list(TOP_LEVEL)))


# Capture ------------------------------------------------------------------------------------------------


@_resource("GET", "POST", limits=True)
def capture(request: HttpRequest, caller: _Caller) -> HttpResponse:
    if request.method == "GET":
        return _capture_jobs(request, caller)
    behaviour = request.headers.get("GS1-Capture-Error-Behaviour", "rollback").strip().lower()
    if behaviour not in ERROR_BEHAVIOURS:
        return _problem(
            request,
            400,
            "Bad Request",
            "Unknown capture error behaviour",
            errors={"GS1-Capture-Error-Behaviour": f"must be one of {', '.join(ERROR_BEHAVIOURS)}"},
        )
    try:
        job = capture_document(
            organization=caller.organization,
            document=_json_body(request),
            facility_uri=caller.facility_uri,
            error_behaviour=behaviour,
        )
    except _BadBody as exc:
        return _body_problem(request, exc)
    except DomainError as exc:
        return _domain_problem(request, exc)
    location = reverse("epcis:capture_job", args=[job.pk])
    return _respond(_job_body(job), status=202, headers={"Location": location})


def _job_body(job: CaptureJob) -> dict[str, Any]:
    return {
        "captureID": str(job.pk),
        "running": job.status == CaptureJob.Status.RUNNING,
        "success": job.status == CaptureJob.Status.SUCCESS,
        "captureErrorBehaviour": job.error_behaviour,
        "eventCount": job.event_count,
        "newEventCount": job.new_count,
        "errors": job.errors,
        "createdAt": job.created_at.isoformat(),
        "finishedAt": job.finished_at.isoformat() if job.finished_at else None,
    }


def _capture_jobs(request: HttpRequest, caller: _Caller) -> HttpResponse:
    per_page, after, errors = _paging(request.GET, allowed=())
    if errors:
        return _query_problem(request, errors)
    jobs = CaptureJob.objects.filter(organization=caller.organization).order_by("-pk")
    if after is not None:
        if not after.isdigit():
            return _query_problem(request, {"nextPageToken": "not a page token this server gave"})
        jobs = jobs.filter(pk__lt=int(after))
    page = list(jobs[: per_page + 1])
    token = _token(str(page[per_page - 1].pk)) if len(page) > per_page else None
    response = _respond([_job_body(job) for job in page[:per_page]], headers=_next_page(request, token))
    response["Content-Type"] = "application/json"
    return response


@_resource("GET")
def capture_job(request: HttpRequest, caller: _Caller, pk: int) -> HttpResponse:
    job = CaptureJob.objects.filter(pk=pk, organization=caller.organization).first()
    if job is None:
        return _problem(request, 404, "Not Found", f"No capture {pk}.")
    return _respond(_job_body(job))


# Events -------------------------------------------------------------------------------------------------


@_resource("GET", "POST")
def events(request: HttpRequest, caller: _Caller) -> HttpResponse:
    if request.method == "POST":
        return _post_event(request, caller)
    return _events_page(request, caller, {name: request.GET.getlist(name) for name in request.GET})


def _events_page(request: HttpRequest, caller: _Caller, params: Mapping[str, list[str]]) -> HttpResponse:
    query, errors = parse_query(params)  # an empty value, an unknown name, a bad number or time: named
    if query is None:
        return _query_problem(request, errors)
    try:
        page, token = events_query(organization=caller.organization, query=query)
    except QueryTooLarge as exc:  # maxEventCount exceeded: GS1's QueryTooLargeException, 400
        return _domain_problem(request, exc)
    body = _query_document([json.loads(event.body) for event in page])
    return _respond(body, headers={**_next_page(request, token), **verification_header(page)})


def _query_problem(request: HttpRequest, errors: Mapping[str, str]) -> HttpResponse:
    return _problem(
        request,
        400,
        "Bad Request",
        "The query is not valid",
        exception="QueryParameterException",
        errors=errors,
    )


def _query_document(event_list: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "@context": [EPCIS_CONTEXT, {"sl": VOCAB}],
        "type": "EPCISQueryDocument",
        "schemaVersion": "2.0",
        "creationDate": timezone.now().isoformat(timespec="milliseconds"),
        "epcisBody": {
            "queryResults": {"queryName": "SimpleEventQuery", "resultsBody": {"eventList": event_list}}
        },
    }


def _post_event(request: HttpRequest, caller: _Caller) -> HttpResponse:
    try:
        event = _json_body(request)
    except _BadBody as exc:
        return _body_problem(request, exc)
    if not isinstance(event, dict):
        return _problem(request, 400, "Bad Request", "Send one event object.")
    context = event.pop("@context", None)
    try:
        validate_event(event)
    except EpcisSchemaError as exc:
        return _problem(
            request, 422, "Unprocessable Content", "The event is not valid", errors=dict(exc.errors)
        )
    document = {
        "@context": context or [EPCIS_CONTEXT],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": timezone.now().isoformat(),
        "epcisBody": {"eventList": [event]},
    }
    try:
        job = capture_document(
            organization=caller.organization, document=document, facility_uri=caller.facility_uri
        )
    except DomainError as exc:
        return _domain_problem(request, _strip_path(exc))
    stored = job.event_set.first() or _stored(caller, event, document["@context"])
    location = reverse("epcis:events") + "/" + quote(stored.event_id, safe="")  # reverse() would quote twice
    return _respond(
        json.loads(stored.body), status=201 if job.new_count else 200, headers={"Location": location}
    )


def _stored(caller: _Caller, event: Mapping[str, Any], context: Any) -> Event:
    """The record a re-posted event already has (by its eventID, or its hash): the event, or the error
    declaration it is."""
    event_id = ledger_event_id(event, context)
    records = visible_events(caller.organization).filter(event_id=event_id)
    records = (
        records.exclude(declaration="") if "errorDeclaration" in event else records.filter(declaration="")
    )
    return records.order_by("pk").first()  # type: ignore[return-value]


def _strip_path(exc: DomainError) -> DomainError:
    """A single event's errors name its fields, not the wrapping document's path."""
    prefix = "epcisBody.eventList[0]."
    fields = {k.removeprefix(prefix).removeprefix("epcisBody.eventList[0]"): v for k, v in exc.fields.items()}
    return type(exc)(exc.detail, fields={k or "event": v for k, v in fields.items()})


@_resource("GET")
def event(request: HttpRequest, caller: _Caller, event_id: str) -> HttpResponse:
    records = list(
        visible_events(caller.organization).filter(event_id=event_id).order_by("record_time", "pk")
    )
    if not records:
        return _problem(request, 404, "Not Found", f"No event {event_id}.")
    # The event first, then its error declarations (a declaration may be all this ledger has of it).
    records.sort(key=lambda record: record.declaration != "")
    body = _query_document([json.loads(record.body) for record in records])
    return _respond(body, headers=verification_header(records))


# Top-level resources ------------------------------------------------------------------------------------

_STANDARD_TYPES = (
    "AggregationEvent",
    "AssociationEvent",
    "ObjectEvent",
    "TransactionEvent",
    "TransformationEvent",
)
_INSTANCE_ROLES = ("epc", "child", "parent", "input", "output")
# resource -> (the column of Event, or "epc" for EventEpc; the vocabulary; the query parameter of /events)
_TOP_LEVEL: dict[str, tuple[str, str | None, str]] = {
    "eventTypes": ("event_type", None, "EQ_eventType"),
    "epcs": ("epc", None, "MATCH_anyEPC"),
    "bizSteps": ("biz_step", "bizStep", "EQ_bizStep"),
    "bizLocations": ("biz_location", None, "EQ_bizLocation"),
    "readPoints": ("read_point", None, "EQ_readPoint"),
    "dispositions": ("disposition", "disp", "EQ_disposition"),
}


def _values(caller: _Caller, resource: str) -> QuerySet:
    """The distinct values of ``resource`` the caller's visible events name."""
    column = _TOP_LEVEL[resource][0]
    if column == "epc":
        rows = EventEpc.objects.filter(
            event__in=visible_events(caller.organization), role__in=_INSTANCE_ROLES
        )
        return rows.values_list("epc", flat=True).distinct().order_by("epc")
    rows = visible_events(caller.organization).exclude(**{column: ""})
    return rows.values_list(column, flat=True).distinct().order_by(column)


def _token(value: str) -> str:
    return base64.urlsafe_b64encode(value.encode()).decode()


def _paging(params: QueryDict, *, allowed: tuple[str, ...]) -> tuple[int, str | None, dict[str, str]]:
    """perPage, where the page starts (the token's value) and errors naming bad or unknown parameters."""
    errors = {
        name: "unknown query parameter (supported: perPage, nextPageToken)"
        for name in params
        if name not in ("perPage", "nextPageToken", *allowed)
    }
    per_page, after = _PER_PAGE, None
    if "perPage" in params:
        text = params["perPage"]
        if text.isascii() and text.isdigit() and len(text) < 8 and 1 <= int(text) <= _MAX_PER_PAGE:
            per_page = int(text)
        else:
            errors["perPage"] = f"must be a whole number from 1 to {_MAX_PER_PAGE}"
    if "nextPageToken" in params:
        try:
            after = base64.urlsafe_b64decode(params["nextPageToken"].encode()).decode()
        except (binascii.Error, UnicodeError, ValueError):
            errors["nextPageToken"] = "not a page token this server gave"
    return per_page, after, errors


@_resource("GET")
def top_level(request: HttpRequest, caller: _Caller, resource: str) -> HttpResponse:
    per_page, after, errors = _paging(request.GET, allowed=())
    if errors:
        return _query_problem(request, errors)
    if resource == "eventTypes":  # GS1: the five standard types and any other recorded; never many
        return _respond(_collection(sorted({*_STANDARD_TYPES, *_values(caller, resource)})))
    values = _values(caller, resource)
    if after is not None:
        values = values.filter(**{f"{_TOP_LEVEL[resource][0]}__gt": after})
    page = list(values[: per_page + 1])
    token = _token(page[per_page - 1]) if len(page) > per_page else None
    return _respond(_collection(page[:per_page]), headers=_next_page(request, token))


def _named(caller: _Caller, resource: str, value: str) -> bool:
    """Whether the caller's events name ``value`` as ``resource`` (a standard event type always is)."""
    column, vocabulary, _ = _TOP_LEVEL[resource]
    if resource == "eventTypes" and value in _STANDARD_TYPES:
        return True
    key = vocabulary_uri(vocabulary, value) if vocabulary else value
    return _values(caller, resource).filter(**{column: key}).exists()


@_resource("GET")
def top_level_item(request: HttpRequest, caller: _Caller, resource: str, value: str) -> HttpResponse:
    if not _named(caller, resource, value):
        return _problem(request, 404, "Not Found", f"No {resource} {value}.")
    return _respond(_collection(["events"]))


@_resource("GET")
def top_level_events(request: HttpRequest, caller: _Caller, resource: str, value: str) -> HttpResponse:
    if not _named(caller, resource, value):
        return _problem(request, 404, "Not Found", f"No {resource} {value}.")
    param = _TOP_LEVEL[resource][2]
    if param in request.GET:
        return _query_problem(request, {param: f"is set by the path /{resource}/{value}"})
    params = {name: request.GET.getlist(name) for name in request.GET}
    return _events_page(request, caller, {**params, param: [value]})


# The rest -----------------------------------------------------------------------------------------------


@_resource("GET", anonymous=True)
def context(request: HttpRequest, caller: None) -> HttpResponse:
    response = HttpResponse(orjson.dumps(seamline_context()), content_type=EPCIS_JSON)
    return response


@csrf_exempt
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    return _problem(
        request,
        404,
        "Not Found",
        f"No resource {request.path}; GET /epcis/ lists them",
        exception="ResourceNotFoundException",
    )


# Named queries and subscriptions (trace.subscriptions) --------------------------------------------------
# Kept together at the end: /queries, /queries/<name>, /queries/<name>/events and the subscriptions.


def _by_token(request: HttpRequest) -> bool:
    """Writes (and deletes) need an API token: a signed-in session only reads."""
    return request.headers.get("Authorization", "").startswith("Bearer ")


def _no_token(request: HttpRequest) -> HttpResponse:
    detail = "Send Authorization: Bearer <API token> to change queries and subscriptions."
    return _problem(request, 401, "Unauthorized", detail)


@_resource("GET", "POST")
def queries(request: HttpRequest, caller: _Caller) -> HttpResponse:
    if request.method == "POST":
        try:
            named = subscriptions.query_create(organization=caller.organization, body=_json_body(request))
        except _BadBody as exc:
            return _body_problem(request, exc)
        except DomainError as exc:
            return _domain_problem(request, exc)
        location = reverse("epcis:query", args=[named.name])
        return _respond(subscriptions.query_definition(named), status=201, headers={"Location": location})
    per_page, after, errors = _paging(request.GET, allowed=())
    if errors:
        return _query_problem(request, errors)
    rows = subscriptions.queries_of(caller.organization)
    if after is not None:
        rows = rows.filter(name__gt=after)
    page = list(rows[: per_page + 1])
    token = _token(page[per_page - 1].name) if len(page) > per_page else None
    body = [subscriptions.query_definition(named) for named in page[:per_page]]
    response = _respond(body, headers=_next_page(request, token))
    response["Content-Type"] = "application/json"
    return response


def _named_query(request: HttpRequest, caller: _Caller, name: str) -> Any:
    """The caller's query ``name``, or the 404 to answer."""
    named = subscriptions.query_get(organization=caller.organization, name=name)
    return named or _problem(request, 404, "Not Found", f"No query {name}.", exception="NoSuchNameException")


@_resource("GET", "DELETE")
def query(request: HttpRequest, caller: _Caller, name: str) -> HttpResponse:
    if request.method == "DELETE" and not _by_token(request):
        return _no_token(request)
    named = _named_query(request, caller, name)
    if isinstance(named, HttpResponse):
        return named
    if request.method == "DELETE":
        named.delete()  # its subscriptions (and their pending deliveries) with it: GS1 unsubscribes them
        return HttpResponse(status=204)
    response = _respond(subscriptions.query_definition(named))
    response["Content-Type"] = "application/json"
    return response


@_resource("GET")
def query_events(request: HttpRequest, caller: _Caller, name: str) -> HttpResponse:
    named = _named_query(request, caller, name)
    if isinstance(named, HttpResponse):
        return named
    unknown = [key for key in request.GET if key not in ("perPage", "nextPageToken")]
    if unknown:
        message = "the named query fixes the filters; perPage and nextPageToken page it"
        errors = dict.fromkeys(unknown, message)
        # GS1's WebSocket subscription (?stream=true or a schedule here) is not offered: say what is
        webhooks = request.path.removesuffix("/events") + "/subscriptions"
        subscribe = f"subscribes over WebSocket, which Seamline does not offer: POST a webhook to {webhooks}"
        errors.update({key: subscribe for key in unknown if key in SUBSCRIPTION_PARAMS})
        return _query_problem(request, errors)
    paging = {key: request.GET.getlist(key) for key in request.GET}
    return _events_page(request, caller, {**named.params, **paging})


@_resource("GET", "POST")
def query_subscriptions(request: HttpRequest, caller: _Caller, name: str) -> HttpResponse:
    named = _named_query(request, caller, name)
    if isinstance(named, HttpResponse):
        return named
    if request.method == "POST":
        try:
            subscription = subscriptions.subscription_create(query=named, body=_json_body(request))
        except _BadBody as exc:
            return _body_problem(request, exc)
        except DomainError as exc:
            return _domain_problem(request, exc)
        location = reverse("epcis:subscription", args=[named.name, subscription.pk])
        body = subscriptions.subscription_body(subscription)
        return _respond(body, status=201, headers={"Location": location})
    per_page, after, errors = _paging(request.GET, allowed=())
    if errors:
        return _query_problem(request, errors)
    rows = named.subscriptions.order_by("pk")
    if after is not None:
        rows = rows.filter(pk__gt=after)
    page = list(rows[: per_page + 1])
    token = _token(str(page[per_page - 1].pk)) if len(page) > per_page else None
    body = [subscriptions.subscription_body(s) for s in page[:per_page]]
    response = _respond(body, headers=_next_page(request, token))
    response["Content-Type"] = "application/json"
    return response


@_resource("GET", "DELETE")
def subscription(request: HttpRequest, caller: _Caller, name: str, subscription_id: UUID) -> HttpResponse:
    if request.method == "DELETE" and not _by_token(request):
        return _no_token(request)
    named = _named_query(request, caller, name)
    if isinstance(named, HttpResponse):
        return named
    found = named.subscriptions.filter(pk=subscription_id).first()
    if found is None:
        return _problem(request, 404, "Not Found", f"No subscription {subscription_id} to {name}.")
    if request.method == "DELETE":
        found.delete()
        return HttpResponse(status=204)
    response = _respond(subscriptions.subscription_body(found))
    response["Content-Type"] = "application/json"
    return response
