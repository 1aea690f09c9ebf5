"""Requests refused before any view reads them.

- A NUL character in the path, the query, a header, a form field, an uploaded file's name or a JSON string
  (`\\u0000`): PostgreSQL stores no NUL in text, so such a value failed deep in whichever view met it first
  (after a payment hold, in a lookup by serial, a search). Uploaded files' bytes are never read here.
- A multipart body over SEAMLINE_UPLOAD_MAX_BYTES, by its Content-Length, before it is read (413).

/api/ and /epcis/ answer RFC 9457 problem details; pages answer a plain page.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from html import escape

from asgiref.sync import iscoroutinefunction
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.decorators import sync_and_async_middleware

from .problems import problem

__all__ = ["request_guard"]

UPLOAD_MAX_BYTES_DEFAULT = 25 * 1024 * 1024
_PROBLEM_PREFIXES = ("/api/", "/epcis/")
# A `\u0000` escape in JSON text: a backslash that is not itself escaped (an even run of backslashes before).
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")


def _amount(size: int) -> str:
    return f"{size / 2**20:.1f} MB" if size >= 2**20 else f"{size:,} bytes"


def _content_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _has_nul_fields(request: HttpRequest) -> bool:
    """The form fields (and the uploaded files' names, never their bytes)."""
    if any("\x00" in key or any("\x00" in v for v in values) for key, values in request.POST.lists()):
        return True
    return any("\x00" in (f.name or "") for _, files in request.FILES.lists() for f in files)


def _has_nul_body(request: HttpRequest) -> bool:
    content_type = request.META.get("CONTENT_TYPE", "")
    length = _content_length(request)
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if content_type.startswith("multipart/form-data"):
        if request.method != "POST":
            return False  # Django parses forms of a POST only; no other method takes uploads here
        if limit is None or length <= limit:
            # Keep the raw body for a view that reads it (a JSON endpoint sent a form answers 422, not
            # "body already read"); parsing the form then reads this copy, not the stream.
            request.body  # noqa: B018
        return _has_nul_fields(request)
    if content_type.startswith("application/x-www-form-urlencoded") and request.method == "POST":
        return _has_nul_fields(request)  # %00 decoded
    if not length or (limit is not None and length > limit):
        return False  # nothing to read, or a body Django refuses itself when a view reads it
    body = request.body
    return b"\x00" in body or _JSON_NUL.search(body) is not None


def _has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path:
        return True
    if any("\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()):
        return True
    if any("\x00" in value for key, value in request.META.items() if key.startswith("HTTP_")):
        return True
    return _has_nul_body(request)


def _refuse(request: HttpRequest, *, status: int, title: str, detail: str, code: str) -> HttpResponse:
    if request.path.startswith(_PROBLEM_PREFIXES):
        return problem(request, status=status, title=title, detail=detail, code=code)
    page = f"<!doctype html><title>{escape(title)}</title><h1>{escape(title)}</h1><p>{escape(detail)}</p>"
    return HttpResponse(page, status=status)


def _refusal(request: HttpRequest) -> HttpResponse | None:
    limit = int(getattr(settings, "SEAMLINE_UPLOAD_MAX_BYTES", UPLOAD_MAX_BYTES_DEFAULT))
    multipart = request.META.get("CONTENT_TYPE", "").startswith("multipart/form-data")
    if multipart and _content_length(request) > limit:
        return _refuse(
            request,
            status=413,
            title="Request too large",
            detail=f"The upload is {_amount(_content_length(request))}; one request may carry at most "
            f"{_amount(limit)}.",
            code="too-large",
        )
    if _has_nul(request):
        return _refuse(
            request,
            status=400,
            title="Bad request",
            detail="The request holds a NUL character (in its address, a header or a field); "
            "Seamline stores no such character.",
            code="nul-character",
        )
    return None


@sync_and_async_middleware
def request_guard(
    get_response: Callable[[HttpRequest], HttpResponse | Awaitable[HttpResponse]],
) -> Callable[[HttpRequest], HttpResponse | Awaitable[HttpResponse]]:
    """The refusals above; sync and async, so the ASGI paths (live counters) take no extra thread hop."""
    if iscoroutinefunction(get_response):

        async def guard_async(request: HttpRequest) -> HttpResponse:
            return _refusal(request) or await get_response(request)  # type: ignore[misc]

        return guard_async

    def guard(request: HttpRequest) -> HttpResponse:
        return _refusal(request) or get_response(request)  # type: ignore[return-value]

    return guard
