"""A FAKE of the Stripe API, for tests only: Stripe cannot be reached from here.

It answers exactly the four endpoints the Stripe provider calls, over real HTTP on 127.0.0.1 (so the
official `stripe` package is exercised end to end, form encoding and error mapping included):

    POST /v1/payment_intents                 create (and confirm); manual capture -> requires_capture
    POST /v1/payment_intents/<id>/capture    requires_capture -> succeeded
    POST /v1/payment_intents/<id>/cancel     requires_* -> canceled
    POST /v1/refunds                         refund a succeeded intent

As Stripe does, it keeps every answer under its Idempotency-Key: the same key returns the same answer (never
a second intent), and the same key with different parameters is an `idempotency_error`. The test card
"pm_card_chargeDeclined" is declined (402 card_error) like Stripe's own.
"""

from __future__ import annotations

import itertools
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

__all__ = ["DECLINED_CARD", "FakeStripe"]

DECLINED_CARD = "pm_card_chargeDeclined"
CANCELABLE = {"requires_payment_method", "requires_confirmation", "requires_action", "requires_capture"}

Answer = tuple[int, dict[str, Any]]


def _error(status: int, kind: str, message: str, **extra: Any) -> Answer:
    return status, {"error": {"type": kind, "message": message, **extra}}


@dataclass
class FakeStripe:
    """The fake's state; `start()` serves it on a free port of 127.0.0.1 and `url` is its API base."""

    intents: dict[str, dict[str, Any]] = field(default_factory=dict)
    refunds: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: list[tuple[str, str | None]] = field(default_factory=list)  # (path, Idempotency-Key)
    _answers: dict[str, tuple[tuple, Answer]] = field(default_factory=dict)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the fake first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FakeStripe:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as the stripe client's requests session expects

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                params = dict(parse_qsl(self.rfile.read(length).decode(), keep_blank_values=True))
                if not (self.headers.get("Authorization") or "").startswith("Bearer sk_"):
                    status, body = _error(401, "invalid_request_error", "Invalid API Key provided.")
                else:
                    status, body = fake.answer(self.path, params, self.headers.get("Idempotency-Key"))
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:  # quiet test output
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def answer(self, path: str, params: dict[str, str], key: str | None) -> Answer:
        """One request: replayed from its Idempotency-Key when seen before, else carried out."""
        with self._lock:
            self.calls.append((path, key))
            request = (path, tuple(sorted(params.items())))
            if key is not None and key in self._answers:
                seen, answer = self._answers[key]
                if seen != request:
                    return _error(
                        400,
                        "idempotency_error",
                        "Keys for idempotent requests can only be used with the same parameters "
                        "they were first used with.",
                    )
                return answer
            answer = self._route(path, params)
            if key is not None:
                self._answers[key] = (request, answer)
            return answer

    def _route(self, path: str, params: dict[str, str]) -> Answer:
        parts = path.strip("/").split("/")
        if parts == ["v1", "payment_intents"]:
            return self._create(params)
        if len(parts) == 4 and parts[:2] == ["v1", "payment_intents"] and parts[2] in self.intents:
            intent = self.intents[parts[2]]
            if parts[3] == "capture":
                return self._move(intent, {"requires_capture"}, "succeeded")
            if parts[3] == "cancel":
                return self._move(intent, CANCELABLE, "canceled")
        if parts == ["v1", "refunds"]:
            return self._refund(params)
        return _error(404, "invalid_request_error", f"Unrecognized request URL (POST: {path}).")

    def _create(self, params: dict[str, str]) -> Answer:
        missing = [name for name in ("amount", "currency", "payment_method") if not params.get(name)]
        if missing or not params["amount"].isdigit() or int(params["amount"]) < 50:
            return _error(
                400, "invalid_request_error", "Missing or invalid parameter.", param=missing or "amount"
            )
        intent = {
            "id": f"pi_fake{next(self._ids):06d}",
            "object": "payment_intent",
            "amount": int(params["amount"]),
            "amount_received": 0,
            "currency": params["currency"],
            "capture_method": params.get("capture_method", "automatic"),
            "payment_method": params["payment_method"],
            "receipt_email": params.get("receipt_email"),
            "description": params.get("description"),
            "metadata": {k[9:-1]: v for k, v in params.items() if k.startswith("metadata[")},
            "status": "requires_confirmation",
        }
        self.intents[intent["id"]] = intent
        if params.get("confirm") != "true":
            return 200, dict(intent)
        if intent["payment_method"] == DECLINED_CARD:
            intent["status"] = "requires_payment_method"
            return _error(
                402,
                "card_error",
                "Your card was declined.",
                code="card_declined",
                decline_code="generic_decline",
                payment_intent=dict(intent),
            )
        if intent["capture_method"] == "manual":
            intent["status"] = "requires_capture"
        else:
            intent["status"], intent["amount_received"] = "succeeded", intent["amount"]
        return 200, dict(intent)

    def _move(self, intent: dict[str, Any], sources: set[str], target: str) -> Answer:
        if intent["status"] not in sources:
            return _error(
                400,
                "invalid_request_error",
                f"This PaymentIntent's status is {intent['status']}; it cannot become {target}.",
                code="payment_intent_unexpected_state",
            )
        intent["status"] = target
        if target == "succeeded":
            intent["amount_received"] = intent["amount"]
        return 200, dict(intent)

    def _refund(self, params: dict[str, str]) -> Answer:
        intent = self.intents.get(params.get("payment_intent", ""))
        if intent is None:
            return _error(400, "invalid_request_error", "No such payment_intent.", param="payment_intent")
        refunded = sum(r["amount"] for r in self.refunds.values() if r["payment_intent"] == intent["id"])
        left = intent["amount_received"] - refunded
        if intent["status"] != "succeeded" or left <= 0:
            return _error(
                400,
                "invalid_request_error",
                "This charge cannot be refunded.",
                code="charge_already_refunded",
            )
        refund = {
            "id": f"re_fake{next(self._ids):06d}",
            "object": "refund",
            "amount": int(params.get("amount") or left),
            "currency": intent["currency"],
            "payment_intent": intent["id"],
            "status": "succeeded",
        }
        self.refunds[refund["id"]] = refund
        return 200, dict(refund)
