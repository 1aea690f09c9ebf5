"""The EPCIS 2.0 REST interface (a subset of GS1's OpenAPI), at /epcis/.

    POST /epcis/capture              an EPCISDocument: 202 and Location of the capture job
    OPTIONS /epcis/capture           the capture limits (GS1-EPCIS-Capture-Limit, ...-File-Size-Limit)
    GET  /epcis/capture/<id>         the job (running, success, errors)
    POST /epcis/events               one event: 201 (200 when its eventID is already recorded)
    GET  /epcis/events               SimpleEventQuery parameters; perPage and nextPageToken (Link: rel=next)
    GET  /epcis/events/<eventID>     one event
    GET  /epcis/context/seamline.jsonld   the JSON-LD context of Seamline's vocabulary

Bearer tokens as for /api/v1 (a partner's token is bound to its facility), or the signed-in session for
reads. Errors are RFC 9457 problem details naming the path of each bad field; a body or a document too
large for one capture is 413, and every answer of the capture interface states its limits.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import orjson
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from seamline.accounts.selectors import token_authenticate
from seamline.core.errors import DomainError, ValidationError
from seamline.core.problems import problem

from .eventhash import event_hash
from .events import EPCIS_CONTEXT, VOCAB, seamline_context
from .models import CaptureJob
from .schema import MAX_DEPTH, EpcisSchemaError, validate_event
from .selectors import event_get, events_query, parse_query
from .services import MAX_CAPTURE_EVENTS, capture_document

EPCIS_JSON = "application/ld+json"
_HEADERS = {"GS1-EPCIS-Version": "2.0.0", "GS1-CBV-Version": "2.0.0"}


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


def _unauthorized(request: HttpRequest) -> HttpResponse:
    return problem(
        request,
        status=401,
        title="Unauthorized",
        detail="Send Authorization: Bearer <API token> (a signed-in session may read).",
        code="unauthorized",
    )


def _domain_problem(request: HttpRequest, exc: DomainError) -> HttpResponse:
    errors = [{"field": field, "message": message} for field, message in exc.fields.items()]
    return problem(
        request,
        status=exc.status,
        title={422: "Unprocessable Content", 409: "Conflict"}.get(exc.status, exc.title),
        detail=exc.detail,
        code={422: "validation-error", 409: "conflict"}.get(exc.status, exc.code),
        errors=errors,
    )


def _json_body(request: HttpRequest) -> Any:
    """The body as JSON. orjson: it refuses NaN, lone surrogates and nesting past 1,024 levels with an
    error where json.loads would recurse until the interpreter gives up."""
    try:
        body = request.body
    except RequestDataTooBig as exc:
        raise _TooLarge from exc
    try:
        return orjson.loads(body or b"null")
    except orjson.JSONDecodeError as exc:
        if "depth" in str(exc):
            raise _BadJson(f"nested deeper than {MAX_DEPTH} levels, the most accepted") from exc
        raise _BadJson(str(exc)) from exc


class _BadJson(Exception):
    pass


class _TooLarge(Exception):
    pass


def _capture_limits() -> dict[str, str]:
    """What the capture interface takes at once (GS1 EPCIS 2.0 REST binding headers)."""
    limits = {"GS1-EPCIS-Capture-Limit": str(MAX_CAPTURE_EVENTS), "GS1-Capture-Error-Behaviour": "rollback"}
    if settings.DATA_UPLOAD_MAX_MEMORY_SIZE is not None:
        limits["GS1-EPCIS-Capture-File-Size-Limit"] = str(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    return limits


def _with_limits(response: HttpResponse) -> HttpResponse:
    for name, value in {**_HEADERS, **_capture_limits()}.items():
        response[name] = value
    return response


def _body_problem(request: HttpRequest, exc: _BadJson | _TooLarge) -> HttpResponse:
    if isinstance(exc, _TooLarge):
        size = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return problem(
            request,
            status=413,
            title="Capture payload too large",
            detail=f"The body is larger than {size:,} bytes, the most one capture takes",
            code="capture-limit-exceeded",
        )
    return problem(request, status=400, title="Bad Request", detail=f"Not JSON: {exc}", code="malformed-json")


def _respond(body: Any, *, status: int = 200, headers: dict[str, str] | None = None) -> HttpResponse:
    response = HttpResponse(orjson.dumps(body), status=status, content_type=EPCIS_JSON)
    for name, value in {**_HEADERS, **(headers or {})}.items():
        response[name] = value
    return response


@csrf_exempt
@require_http_methods(["POST", "OPTIONS"])
def capture(request: HttpRequest) -> HttpResponse:
    if request.method == "OPTIONS":
        response = HttpResponse(status=204)
        response["Allow"] = "OPTIONS, POST"
        return _with_limits(response)
    return _with_limits(_capture(request))


def _capture(request: HttpRequest) -> HttpResponse:
    caller = _caller(request, write=True)
    if caller is None:
        return _unauthorized(request)
    try:
        document = _json_body(request)
        job = capture_document(
            organization=caller.organization, document=document, facility_uri=caller.facility_uri
        )
    except (_BadJson, _TooLarge) as exc:
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
        "captureErrorBehaviour": "rollback",
        "eventCount": job.event_count,
        "newEventCount": job.new_count,
        "errors": job.errors,
        "createdAt": job.created_at.isoformat(),
        "finishedAt": job.finished_at.isoformat() if job.finished_at else None,
    }


@require_GET
def capture_job(request: HttpRequest, pk: int) -> HttpResponse:
    caller = _caller(request, write=False)
    if caller is None:
        return _unauthorized(request)
    job = CaptureJob.objects.filter(pk=pk, organization=caller.organization).first()
    if job is None:
        return problem(request, status=404, title="Not Found", detail=f"No capture {pk}.", code="not-found")
    return _respond(_job_body(job))


@csrf_exempt
@require_http_methods(["GET", "POST"])
def events(request: HttpRequest) -> HttpResponse:
    caller = _caller(request, write=request.method == "POST")
    if request.method == "POST":
        return _with_limits(_unauthorized(request) if caller is None else _post_event(request, caller))
    if caller is None:
        return _unauthorized(request)
    query, errors = parse_query({name: request.GET.getlist(name) for name in request.GET})
    if query is None:
        return problem(
            request,
            status=400,
            title="Bad Request",
            detail="The query is not valid",
            code="query-parameter",
            errors=[{"field": k, "message": v} for k, v in errors.items()],
        )
    page, token = events_query(organization=caller.organization, query=query)
    body = _query_document([json.loads(event.body) for event in page])
    headers = {}
    if token:
        params = request.GET.copy()
        params["nextPageToken"] = token
        headers["Link"] = f'<{request.path}?{params.urlencode()}>; rel="next"'
        body["nextPageToken"] = token
    return _respond(body, headers=headers)


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
    except (_BadJson, _TooLarge) as exc:
        return _body_problem(request, exc)
    if not isinstance(event, dict):
        return problem(
            request, status=400, title="Bad Request", detail="Send one event object.", code="bad-event"
        )
    context = event.pop("@context", None)
    try:
        validate_event(event)
    except EpcisSchemaError as exc:
        return _domain_problem(request, ValidationError("The event is not valid", fields=dict(exc.errors)))
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
    stored = job.event_set.first() or event_get(
        organization=caller.organization, event_id=event.get("eventID") or ""
    )
    if stored is None:  # re-posted by content: find it by hash
        stored = event_get(organization=caller.organization, event_id=event_hash(event, document["@context"]))
    location = reverse("epcis:events") + "/" + quote(stored.event_id, safe="")  # reverse() would quote twice
    return _respond(
        json.loads(stored.body), status=201 if job.new_count else 200, headers={"Location": location}
    )


def _strip_path(exc: DomainError) -> DomainError:
    """A single event's errors name its fields, not the wrapping document's path."""
    prefix = "epcisBody.eventList[0]."
    fields = {k.removeprefix(prefix).removeprefix("epcisBody.eventList[0]"): v for k, v in exc.fields.items()}
    return type(exc)(exc.detail, fields={k or "event": v for k, v in fields.items()})


@require_GET
def event(request: HttpRequest, event_id: str) -> HttpResponse:
    caller = _caller(request, write=False)
    if caller is None:
        return _unauthorized(request)
    found = event_get(organization=caller.organization, event_id=event_id)
    if found is None:
        return problem(
            request, status=404, title="Not Found", detail=f"No event {event_id}.", code="not-found"
        )
    return _respond(json.loads(found.body))


@require_GET
def context(request: HttpRequest) -> HttpResponse:
    return JsonResponse(seamline_context(), content_type=EPCIS_JSON)
