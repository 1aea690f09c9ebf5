"""Named queries and their subscriptions (GS1 EPCIS 2.0 REST: /queries, /queries/{name}/subscriptions).

A named query is a SimpleEventQuery an organization keeps under a name. A subscription sends the query's
new events to a partner's webhook (``dest``) as an EPCISQueryDocument: every new matching event
(``stream``) or on a cron-like ``schedule``. Only events visible to the query's organization are sent.

Delivery never blocks a capture: after a capture commits, ``subscriptions_wake`` queues
``subscriptions_run_task`` (and the clock runs it every tick, for events other contexts record). A run
turns the new matching events into `Delivery` rows (one document per batch, in the same transaction that
moves the subscription's cursor, so each event is reported once), then POSTs the due ones. A failed POST
is retried after 1, 2, 4 and 8 s (5 attempts in all), then the delivery is marked failed; ``attempts``,
``next_attempt_at`` and ``last_error`` say where it stands.

The body is signed: header ``GS1-Signature`` is the HMAC-SHA256 of the exact body bytes keyed with the
subscription's ``signatureToken`` (UTF-8), as lower-case hex. GS1 leaves the signature type to the
implementation (OpenAPI ``GS1-Signature``: "HMAC with SHA-256 directly" is its first example).

The cursor holds, per chain (organization id), the last record number considered: a chain's records
commit in order under its lock, so nothing committed later can fall behind the cursor.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import urllib.error
import urllib.request
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import orjson
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django_tasks import task

from seamline.accounts.models import Organization
from seamline.core.errors import ConflictError, DomainError

from .events import EPCIS_CONTEXT, VOCAB
from .models import Chain, Delivery, Event, NamedQuery, Subscription
from .records import parse_time
from .schedule import schedule_due, schedule_errors
from .selectors import events_query, parse_query, visible_events

__all__ = [
    "MAX_ATTEMPTS",
    "RETRY_DELAYS_S",
    "QueryParameterError",
    "SubscriptionError",
    "deliveries_send",
    "query_create",
    "query_document",
    "signature",
    "subscription_create",
    "subscriptions_match",
    "subscriptions_run_task",
    "subscriptions_wake",
]

log = logging.getLogger("seamline.trace.subscriptions")

RETRY_DELAYS_S = (1, 2, 4, 8)  # after the 1st, 2nd, 3rd and 4th failed attempt
MAX_ATTEMPTS = len(RETRY_DELAYS_S) + 1
TIMEOUT_S = 10.0
_BATCH = 500  # events considered (and at most sent) per document
_NAME = re.compile(r"[A-Za-z0-9._~:-]{1,200}")
_NOT_STORED = ("perPage", "nextPageToken")  # paging belongs to a run, not to the query
# A subscription reports every new matching event: the query's order and limits do not apply to it.
_RUN_OPTIONS = ("orderBy", "orderDirection", "eventCountLimit", "maxEventCount")
_LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
_SUBSCRIPTION_KEYS = ("dest", "signatureToken", "stream", "schedule", "reportIfEmpty", "initialRecordTime")


class QueryParameterError(DomainError):
    """A named query with bad parameters (GS1: QueryParameterException)."""

    status = 400
    code = "QueryParameterException"
    title = "Bad Request"


class SubscriptionError(DomainError):
    """A subscription that cannot be made as asked (GS1: SubscriptionControlsException)."""

    status = 400
    code = "SubscriptionControlsException"
    title = "Bad Request"


# Named queries ------------------------------------------------------------------------------------------


def query_create(*, organization: Organization, body: Any) -> NamedQuery:
    """Save ``body`` (GS1 QueryDefinition: ``{"name": …, "query": {parameter: values}}``) under its name.

    QueryParameterError naming each bad parameter; ConflictError when the name is taken.
    """
    if not isinstance(body, Mapping):
        raise QueryParameterError("Send a JSON object with name and query", fields={"body": "not an object"})
    errors: dict[str, str] = {}
    name = body.get("name")
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        errors["name"] = "required: 1 to 200 of the characters A-Z a-z 0-9 . _ ~ : -"
    params, param_errors = _params(body.get("query"))
    errors.update(param_errors)
    unknown = [key for key in body if key not in ("name", "query")]
    errors.update(dict.fromkeys(unknown, "unknown member (a query definition has name and query)"))
    if errors:
        raise QueryParameterError("The query is not valid", fields=errors)
    try:
        with transaction.atomic():
            return NamedQuery.objects.create(organization=organization, name=name, params=params)
    except IntegrityError:
        raise ConflictError(f"A query named {name!r} exists", fields={"name": "already taken"}) from None


def _params(query: Any) -> tuple[dict[str, list[str]], dict[str, str]]:
    """GS1 query-schema values (a list, or one string, number or boolean) as parse_query reads them."""
    if not isinstance(query, Mapping):
        return {}, {"query": "required: an object of query parameters"}
    params: dict[str, list[str]] = {}
    errors: dict[str, str] = {}
    for key, value in query.items():
        values = value if isinstance(value, list) else [value]
        if key in _NOT_STORED:
            errors[key] = "pages a run of the query: send it to /queries/{name}/events"
        elif not values or not all(isinstance(v, str | int | float | bool) for v in values):
            errors[key] = "must be a value or a non-empty list of values"
        else:
            params[key] = [str(v).lower() if isinstance(v, bool) else str(v) for v in values]
    if not errors:
        errors = parse_query(params)[1]
    return params, errors


def query_get(*, organization: Organization, name: str) -> NamedQuery | None:
    return NamedQuery.objects.filter(organization=organization, name=name).first()


def queries_of(organization: Organization) -> QuerySet[NamedQuery]:
    """The organization's named queries, by name."""
    return NamedQuery.objects.filter(organization=organization).order_by("name")


def query_definition(query: NamedQuery) -> dict[str, Any]:
    return {"name": query.name, "query": query.params}


# Subscriptions ------------------------------------------------------------------------------------------


def subscription_create(*, query: NamedQuery, body: Any) -> Subscription:
    """Subscribe ``body["dest"]`` to the query's new events (GS1 QueryStreamSubscription or
    QueryScheduleSubscription). SubscriptionError naming each bad member."""
    if not isinstance(body, Mapping):
        raise SubscriptionError("Send a JSON object", fields={"body": "not an object"})
    unknown = [key for key in body if key not in _SUBSCRIPTION_KEYS]
    errors = dict.fromkeys(unknown, f"unknown member (one of {', '.join(_SUBSCRIPTION_KEYS)})")
    dest, token = body.get("dest"), body.get("signatureToken")
    if (problem := dest_problem(dest)) is not None:
        errors["dest"] = problem
    if not isinstance(token, str) or not 1 <= len(token) <= 500:
        errors["signatureToken"] = "required: the secret (1 to 500 characters) the deliveries are signed with"
    stream, schedule = body.get("stream", False), body.get("schedule")
    if not isinstance(stream, bool):
        errors["stream"] = "must be true or false"
    elif schedule is not None:
        errors.update(schedule_errors(schedule))
        if stream:
            errors["stream"] = "a subscription streams or runs on a schedule, not both"
    elif not stream:
        errors["stream"] = "set stream to true, or give a schedule"
    if not isinstance(body.get("reportIfEmpty", False), bool):
        errors["reportIfEmpty"] = "must be true or false"
    since = body.get("initialRecordTime")
    try:
        start = parse_time(since) if isinstance(since, str) else None
    except ValueError:
        start = None
    if since is not None and start is None:
        errors["initialRecordTime"] = "must be a date-time with a time zone (e.g. 2026-11-27T09:00:00Z)"
    if errors:
        raise SubscriptionError("The subscription is not valid", fields=errors)
    return Subscription.objects.create(
        query=query,
        dest=dest,
        signature_token=token,
        stream=stream,
        schedule=schedule or {},
        report_if_empty=body.get("reportIfEmpty", False),
        cursor=_cursor_at(start),
    )


def dest_problem(dest: Any) -> str | None:
    """Why ``dest`` cannot receive deliveries, or None: https, or http to this machine when
    SEAMLINE_WEBHOOK_LOCAL_HTTP is on (default: DEBUG; the tests turn it on)."""
    if not isinstance(dest, str) or len(dest) > 2000:
        return "required: the webhook URL (https)"
    try:
        parts = urlsplit(dest)
        host = parts.hostname
        parts.port  # noqa: B018 - a bad port raises here, not at delivery
    except ValueError:
        return "not a URL"
    if not host or parts.username or parts.password:
        return "must be an https URL with a host and no user name or password"
    if parts.scheme == "https":
        return None
    local = getattr(settings, "SEAMLINE_WEBHOOK_LOCAL_HTTP", settings.DEBUG)
    if parts.scheme == "http" and local and host in _LOCAL_HOSTS:
        return None
    return "must be https (http only to localhost, and only in development)"


def _cursor_at(start: datetime | None) -> dict[str, int]:
    """Per chain, the last record before ``start`` (default: now, the chain's head)."""
    if start is None:
        return {str(org): seq for org, seq in Chain.objects.values_list("organization_id", "seq")}
    rows = Event.objects.filter(record_time__lt=start).values("organization_id").annotate(last=Max("seq"))
    return {str(row["organization_id"]): row["last"] for row in rows}


def subscription_body(subscription: Subscription) -> dict[str, Any]:
    """The subscription as GS1 answers it: never its secret."""
    body: dict[str, Any] = {
        "subscriptionID": str(subscription.pk),
        "queryName": subscription.query.name,
        "dest": subscription.dest,
        "createdAt": _iso(subscription.created_at),
        "reportIfEmpty": subscription.report_if_empty,
    }
    if subscription.last_notified_at:
        body["lastNotifiedAt"] = _iso(subscription.last_notified_at)
    if subscription.stream:
        body["stream"] = True
    else:
        body["schedule"] = subscription.schedule
    return body


def _iso(when: datetime) -> str:
    return when.isoformat(timespec="milliseconds").replace("+00:00", "Z")


# Matching new events ------------------------------------------------------------------------------------


def subscriptions_match(*, now: datetime | None = None) -> int:
    """Turn the new matching events of every streaming (and every due scheduled) subscription into
    deliveries; the number of deliveries made."""
    now = now or timezone.now()
    made = 0
    for subscription in Subscription.objects.select_related("query").order_by("created_at", "pk"):
        if not subscription.stream:
            last = subscription.last_run_at or subscription.created_at
            if not schedule_due(subscription.schedule, after=last, until=now):
                continue
        made += _report(subscription.pk, now=now)
    return made


def _report(subscription_id: Any, *, now: datetime) -> int:
    """Report one subscription's new events, a batch at a time (each with its cursor move, atomically)."""
    made, first = 0, True
    while True:
        with transaction.atomic():
            locked = Subscription.objects.select_for_update().select_related("query__organization")
            subscription = locked.filter(pk=subscription_id).first()
            if subscription is None:  # unsubscribed meanwhile
                return made
            new = visible_events(subscription.query.organization)
            for chain, seq in subscription.cursor.items():
                new = new.exclude(organization_id=int(chain), seq__lte=seq)
            batch = list(new.order_by("pk")[:_BATCH])
            matched = _matching(subscription.query, batch)
            for event in batch:
                key = str(event.organization_id)
                subscription.cursor[key] = max(event.seq, subscription.cursor.get(key, 0))
            empty_report = first and not subscription.stream and subscription.report_if_empty
            if matched or empty_report:
                document = query_document(matched, subscription_id=str(subscription.pk))
                Delivery.objects.create(
                    subscription=subscription,
                    body=orjson.dumps(document).decode(),
                    event_count=len(matched),
                    next_attempt_at=now,
                )
                made += 1
            if not subscription.stream:
                subscription.last_run_at = now
            subscription.save(update_fields=["cursor", "last_run_at"])
        first = False
        if len(batch) < _BATCH:
            return made


def _matching(query: NamedQuery, batch: list[Event]) -> list[Event]:
    """The events of ``batch`` the named query returns, in ``batch``'s order: the query itself is run
    (every filter exactly as /events answers it) over the records since the batch's first."""
    if not batch:
        return []
    wanted = {event.pk for event in batch}
    params = {k: v for k, v in query.params.items() if k not in _RUN_OPTIONS}
    if "GE_recordTime" not in params:
        params["GE_recordTime"] = [min(event.record_time for event in batch).isoformat()]
    params.update(orderBy=["recordTime"], orderDirection=["ASC"], perPage=["1000"])
    found: set[int] = set()
    token: str | None = ""
    while token is not None:
        parsed, errors = parse_query({**params, **({"nextPageToken": [token]} if token else {})})
        if parsed is None:  # stored before a change of the language: send nothing rather than guess
            log.warning("named query %s no longer parses: %s", query.pk, errors)
            return []
        page, token = events_query(organization=query.organization, query=parsed)
        found.update(event.pk for event in page if event.pk in wanted)
    return [event for event in batch if event.pk in found]


def query_document(events: list[Event], *, subscription_id: str) -> dict[str, Any]:
    """The EPCISQueryDocument a webhook receives."""
    return {
        "@context": [EPCIS_CONTEXT, {"sl": VOCAB}],
        "type": "EPCISQueryDocument",
        "schemaVersion": "2.0",
        "creationDate": _iso(timezone.now()),
        "epcisBody": {
            "queryResults": {
                "queryName": "SimpleEventQuery",
                "subscriptionID": subscription_id,
                "resultsBody": {"eventList": [orjson.loads(event.body) for event in events]},
            }
        },
    }


# Sending ------------------------------------------------------------------------------------------------


def signature(body: bytes, token: str) -> str:
    """GS1-Signature: HMAC-SHA256 of the body keyed with the signatureToken, lower-case hex."""
    return hmac.new(token.encode(), body, hashlib.sha256).hexdigest()


def deliveries_send(*, now: datetime | None = None) -> dict[str, int]:
    """POST every due delivery once; counts of those delivered, to retry and given up."""
    now = now or timezone.now()
    counts = {"delivered": 0, "retry": 0, "failed": 0}
    due = Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
    for delivery in due.select_related("subscription").order_by("next_attempt_at", "pk")[:100]:
        outcome = _attempt(delivery, now=now)
        if outcome:
            counts[outcome] += 1
    return counts


def _attempt(delivery: Delivery, *, now: datetime) -> str | None:
    attempt = delivery.attempts + 1
    # Claim it (another worker may hold it too): the lease keeps it off others' lists while it is sent.
    lease = now + timedelta(seconds=TIMEOUT_S * 3)
    mine = Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.PENDING, attempts=delivery.attempts)
    if not mine.update(attempts=attempt, next_attempt_at=lease):
        return None
    error = _post(delivery.subscription, delivery.body.encode())
    row = Delivery.objects.filter(pk=delivery.pk)
    if error is None:
        row.update(status=Delivery.Status.DELIVERED, delivered_at=now, next_attempt_at=None, last_error="")
        Subscription.objects.filter(pk=delivery.subscription_id).update(last_notified_at=now)
        return "delivered"
    if attempt >= MAX_ATTEMPTS:
        row.update(status=Delivery.Status.FAILED, next_attempt_at=None, last_error=error)
        log.warning("delivery %s to %s given up: %s", delivery.pk, delivery.subscription.dest, error)
        return "failed"
    retry_at = now + timedelta(seconds=RETRY_DELAYS_S[attempt - 1])
    row.update(next_attempt_at=retry_at, last_error=error)
    _run_at(retry_at)
    return "retry"


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is answered as a failure: it could point the signed body anywhere."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def _post(subscription: Subscription, body: bytes) -> str | None:
    """POST ``body`` to the webhook; None on a 2xx, else what went wrong."""
    if (problem := dest_problem(subscription.dest)) is not None:
        return f"dest refused: {problem}"
    request = urllib.request.Request(
        subscription.dest,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "GS1-Signature": signature(body, subscription.signature_token),
            "GS1-EPCIS-Version": "2.0.0",
            "GS1-CBV-Version": "2.0.0",
        },
    )
    try:
        with _OPENER.open(request, timeout=TIMEOUT_S) as response:
            response.read(65536)
            return None if 200 <= response.status < 300 else f"HTTP {response.status}"
    except urllib.error.HTTPError as exc:
        return f"HTTP {exc.code} {exc.reason}"[:1000]
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return f"{type(exc).__name__}: {exc}"[:1000]


# Background work ----------------------------------------------------------------------------------------


@task()
def subscriptions_run_task() -> dict[str, int]:
    """Match new events to subscriptions, then send what is due (after a capture, and on the clock)."""
    return {"made": subscriptions_match(), **deliveries_send()}


def subscriptions_wake() -> None:
    """After the current transaction commits, queue a run when anyone streams; a failure to queue is
    logged (robust), never the capture's: the clock's next tick picks the events up anyway."""

    def wake() -> None:
        if Subscription.objects.filter(stream=True).exists():
            subscriptions_run_task.enqueue()

    transaction.on_commit(wake, robust=True)


def _run_at(when: datetime) -> None:
    """A run at ``when`` for a retry, where the task backend can defer (else the clock's tick)."""
    try:
        if subscriptions_run_task.get_backend().supports_defer:
            subscriptions_run_task.using(run_after=when).enqueue()
    except Exception:  # the clock retries anyway
        log.exception("could not queue the retry run")
