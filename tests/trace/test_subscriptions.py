"""Subscriptions to named queries: a real webhook (an HTTP server on 127.0.0.1 in a thread) receives the
new matching events, signed with the subscription's token; failures are retried with backoff."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from seamline.trace.models import Delivery, Subscription
from seamline.trace.subscriptions import deliveries_send, subscriptions_match

from .test_named_queries import SHIPPING, _capture, _errors, _event, _post

TOKEN = "13df38d8275b13f05704629e5f1cf3d45d6132d5"


class Webhook:
    """A partner's endpoint: records what it receives, answers the statuses queued (then 200)."""

    def __init__(self) -> None:
        self.received: list[tuple[Message, bytes]] = []  # headers: case-insensitive
        self.statuses: list[int] = []
        webhook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                webhook.received.append((self.headers, body))
                status = webhook.statuses.pop(0) if webhook.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/epcis-callback"

    def event_ids(self) -> list[list[int]]:
        """Per request received, the event numbers of its document."""
        return [
            [
                int(e["eventID"].rsplit("-", 1)[1])
                for e in json.loads(body)["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
            ]
            for _, body in self.received
        ]


@pytest.fixture
def webhook(settings) -> Iterator[Webhook]:
    settings.SEAMLINE_WEBHOOK_LOCAL_HTTP = True
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    hook = Webhook()
    thread = threading.Thread(target=hook.server.serve_forever, daemon=True)
    thread.start()
    yield hook
    hook.server.shutdown()
    hook.server.server_close()


def _subscribe(tenant, url: str, **extra: object):
    api = tenant.api()
    assert _post(api, "/epcis/queries", SHIPPING).status_code in (201, 409)
    return _post(api, "/epcis/queries/shipped/subscriptions", {"dest": url, "signatureToken": TOKEN, **extra})


def _document(*events: dict) -> dict:
    return {
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2024-03-06T00:00:00Z",
        "epcisBody": {"eventList": list(events)},
    }


# The subscription resource ------------------------------------------------------------------------------


def test_a_subscription_is_made_read_listed_and_deleted_without_its_secret(factory, webhook):
    made = _subscribe(factory, webhook.url, stream=True)
    assert made.status_code == 201, made.content
    body = made.json()
    assert TOKEN not in made.content.decode()
    assert body["dest"] == webhook.url and body["stream"] is True and body["queryName"] == "shipped"
    location = made["Location"]
    assert location == f"/epcis/queries/shipped/subscriptions/{body['subscriptionID']}"
    api = factory.api()
    assert api.get(location).json() == body
    assert api.get("/epcis/queries/shipped/subscriptions").json() == [body]
    assert api.delete(location).status_code == 204
    assert api.get(location).status_code == 404
    assert not Subscription.objects.exists()


def test_deleting_the_query_unsubscribes(factory, webhook):
    assert _subscribe(factory, webhook.url, stream=True).status_code == 201
    assert factory.api().delete("/epcis/queries/shipped").status_code == 204
    assert not Subscription.objects.exists()


@pytest.mark.parametrize(
    ("dest", "extra", "named"),
    [
        ("http://partner.example.com/hook", {"stream": True}, {"dest"}),
        ("ftp://127.0.0.1/hook", {"stream": True}, {"dest"}),
        ("https://user:pw@partner.example.com/hook", {"stream": True}, {"dest"}),
        ("https://partner.example.com/hook", {}, {"stream"}),
        ("https://partner.example.com/hook", {"stream": False}, {"stream"}),
        ("https://partner.example.com/hook", {"stream": True, "schedule": {"hour": "1"}}, {"stream"}),
        (
            "https://partner.example.com/hook",
            {"schedule": {"hour": "25", "minute": "x"}},
            {"schedule.hour", "schedule.minute"},
        ),
        ("https://partner.example.com/hook", {"stream": True, "reportIfEmpty": "yes"}, {"reportIfEmpty"}),
        (
            "https://partner.example.com/hook",
            {"stream": True, "initialRecordTime": "soon"},
            {"initialRecordTime"},
        ),
        ("https://partner.example.com/hook", {"stream": True, "websocket": True}, {"websocket"}),
    ],
)
def test_a_bad_subscription_is_a_400_naming_the_member(factory, webhook, dest, extra, named):
    response = _subscribe(factory, dest, **extra)
    assert response.status_code == 400
    assert response.json()["type"] == "epcisException:SubscriptionControlsException"
    assert set(_errors(response)) == named


def test_plain_http_to_this_machine_only_in_development(factory, webhook, settings):
    settings.SEAMLINE_WEBHOOK_LOCAL_HTTP = False
    assert set(_errors(_subscribe(factory, webhook.url, stream=True))) == {"dest"}
    assert _subscribe(factory, "https://partner.example.com/hook", stream=True).status_code == 201


def test_a_missing_token_is_refused(factory, webhook):
    api = factory.api()
    assert _post(api, "/epcis/queries", SHIPPING).status_code == 201
    response = _post(api, "/epcis/queries/shipped/subscriptions", {"dest": webhook.url, "stream": True})
    assert set(_errors(response)) == {"signatureToken"}


def test_another_organization_cannot_see_or_delete_it(factory, other_factory, webhook):
    location = _subscribe(factory, webhook.url, stream=True)["Location"]
    assert other_factory.api().get(location).status_code == 404
    assert other_factory.api().delete(location).status_code == 404
    assert Subscription.objects.count() == 1


# Deliveries ---------------------------------------------------------------------------------------------


def test_a_new_matching_event_is_posted_signed_after_the_capture_commits(
    factory, webhook, django_capture_on_commit_callbacks
):
    _capture(factory.org, _event(1, "shipping", 1))  # before the subscription: not sent
    assert _subscribe(factory, webhook.url, stream=True).status_code == 201
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        document = _document(_event(2, "shipping", 2), _event(3, "receiving", 3))
        response = factory.api().post(
            "/epcis/capture", data=json.dumps(document), content_type="application/ld+json"
        )
        assert response.status_code == 202, response.content
        assert webhook.received == []  # nothing leaves before the commit
    assert callbacks
    assert webhook.event_ids() == [[2]]
    headers, body = webhook.received[0]
    expected = hmac.new(TOKEN.encode(), body, hashlib.sha256).hexdigest()
    assert headers["GS1-Signature"] == expected
    sent = json.loads(body)
    assert sent["type"] == "EPCISQueryDocument"
    subscription = Subscription.objects.get()
    assert sent["epcisBody"]["queryResults"]["subscriptionID"] == str(subscription.pk)
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("delivered", 1, "")
    assert subscription.last_notified_at is not None
    # a second run sends nothing again
    subscriptions_match()
    deliveries_send()
    assert len(webhook.received) == 1


def test_only_matching_events_visible_to_the_subscriber_are_sent(factory, other_factory, webhook):
    assert _subscribe(factory, webhook.url, stream=True).status_code == 201
    _capture(other_factory.org, _event(5, "shipping", 1))  # another chain: invisible to the factory
    _capture(factory.org, _event(6, "receiving", 2))  # does not match
    assert subscriptions_match() == 0
    deliveries_send()
    assert webhook.received == []
    _capture(factory.org, _event(7, "shipping", 3), _event(8, "shipping", 4))
    assert subscriptions_match() == 1
    deliveries_send()
    assert webhook.event_ids() == [[7, 8]]


def test_a_failing_webhook_is_retried_with_backoff_then_delivered(factory, webhook):
    assert _subscribe(factory, webhook.url, stream=True).status_code == 201
    _capture(factory.org, _event(9, "shipping", 1))
    webhook.statuses = [500, 503]
    start = timezone.now()
    subscriptions_match(now=start)

    assert deliveries_send(now=start) == {"delivered": 0, "retry": 1, "failed": 0}
    delivery = Delivery.objects.get()
    assert delivery.attempts == 1 and delivery.status == "pending"
    assert delivery.next_attempt_at == start + timedelta(seconds=1)
    assert delivery.last_error.startswith("HTTP 500")

    assert deliveries_send(now=start + timedelta(milliseconds=999)) == {
        "delivered": 0,
        "retry": 0,
        "failed": 0,
    }
    assert deliveries_send(now=start + timedelta(seconds=1))["retry"] == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.last_error.startswith("HTTP 503")
    assert delivery.next_attempt_at == start + timedelta(seconds=1 + 2)

    assert deliveries_send(now=start + timedelta(seconds=3))["delivered"] == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("delivered", 3, "")
    bodies = {body for _, body in webhook.received}
    assert len(webhook.received) == 3 and len(bodies) == 1  # the same signed bytes every time
    assert webhook.event_ids()[-1] == [9]


def test_a_webhook_that_never_recovers_is_given_up_after_five_attempts(factory, webhook):
    assert _subscribe(factory, webhook.url, stream=True).status_code == 201
    _capture(factory.org, _event(10, "shipping", 1))
    webhook.statuses = [500] * 10
    when = timezone.now()
    subscriptions_match(now=when)
    waits = []
    for _ in range(5):
        deliveries_send(now=when)
        delivery = Delivery.objects.get()
        if delivery.next_attempt_at:
            waits.append((delivery.next_attempt_at - when).total_seconds())
            when = delivery.next_attempt_at
    assert waits == [1, 2, 4, 8]
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("failed", 5, None)
    assert delivery.last_error.startswith("HTTP 500")
    assert len(webhook.received) == 5
    deliveries_send(now=when + timedelta(hours=1))
    assert len(webhook.received) == 5


def test_an_unreachable_webhook_does_not_fail_the_capture(
    factory, webhook, django_capture_on_commit_callbacks
):
    assert _subscribe(factory, webhook.url, stream=True).status_code == 201
    webhook.server.shutdown()
    webhook.server.server_close()  # nobody listens there any more
    with django_capture_on_commit_callbacks(execute=True):
        response = factory.api().post(
            "/epcis/capture",
            data=json.dumps(_document(_event(11, "shipping", 1))),
            content_type="application/ld+json",
        )
    assert response.status_code == 202
    delivery = Delivery.objects.get()
    assert delivery.status == "pending" and delivery.attempts == 1
    assert "Connection refused" in delivery.last_error or "URLError" in delivery.last_error


def test_a_scheduled_subscription_reports_when_due(factory, webhook):
    made = _subscribe(factory, webhook.url, schedule={"minute": "*/5"}, reportIfEmpty=True)
    assert made.status_code == 201, made.content
    assert made.json()["schedule"] == {"minute": "*/5"}
    _capture(factory.org, _event(12, "shipping", 1))
    created = Subscription.objects.get().created_at
    top = created.replace(second=0, microsecond=0) + timedelta(minutes=5 - created.minute % 5)
    assert subscriptions_match(now=top - timedelta(seconds=1)) == 0  # not due yet
    assert subscriptions_match(now=top) == 1
    assert subscriptions_match(now=top + timedelta(minutes=5)) == 1  # empty, but reportIfEmpty
    deliveries_send(now=top + timedelta(minutes=5))
    assert webhook.event_ids() == [[12], []]
