"""Helpers for the API tests: JSON requests and problem-details assertions."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse
from django.test import Client

PROBLEM_JSON = "application/problem+json"


def post(client: Client, url: str, data: Any, *, method: str = "post") -> HttpResponse:
    """Send `data` as a JSON body (str or bytes are sent as they are, to test malformed bodies)."""
    body = data if isinstance(data, str | bytes) else json.dumps(data)
    return getattr(client, method)(url, body, content_type="application/json")


def problem(response: HttpResponse, status: int) -> dict:
    """The RFC 9457 body of `response`, after checking its status, content type and required members."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM_JSON
    body = response.json()
    assert body["status"] == status
    assert body["type"].startswith("https://seamline.dev/problems/")
    assert body["title"] and body["detail"] and body["instance"].startswith("/api/v1/")
    return body


def fields(body: dict) -> dict[str, str]:
    """Field name -> message of a problem body's `errors`."""
    return {e["field"]: e["message"] for e in body.get("errors", [])}
