"""The Content-Security-Policy header of every HTML page (settings SEAMLINE_CSP).

Scripts, styles and images come from this site only, so an injected <script> or a script from elsewhere
does not run. An inline event handler would need its SHA-256 in SEAMLINE_CSP_INLINE_HANDLERS (with
'unsafe-hashes'); the pages have none: their controls are wired in core/static/seamline/ui.js.
Swagger UI at /api/v1/docs is served from django-ninja's static files and runs under the same policy.
"""

from __future__ import annotations

import base64
import functools
import hashlib
from collections.abc import Callable, Iterable, Mapping

from asgiref.sync import iscoroutinefunction
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.decorators import sync_and_async_middleware

__all__ = ["content_security_policy", "csp_header", "source_hash"]

HEADER = "Content-Security-Policy"


def source_hash(source: str) -> str:
    """The CSP source expression allowing this exact inline script or event handler."""
    digest = base64.b64encode(hashlib.sha256(source.encode()).digest()).decode()
    return f"'sha256-{digest}'"


def csp_header(policy: Mapping[str, Iterable[str]], inline_handlers: Iterable[str] = ()) -> str:
    """The header's value: each directive and its sources, the handlers' hashes added to script-src."""
    directives = {name: list(sources) for name, sources in policy.items()}
    hashes = [source_hash(handler) for handler in inline_handlers]
    if hashes:
        directives.setdefault("script-src", ["'self'"]).extend(["'unsafe-hashes'", *hashes])
    return "; ".join(" ".join([name, *sources]) for name, sources in directives.items())


@functools.lru_cache(maxsize=8)
def _header(policy: tuple[tuple[str, tuple[str, ...]], ...], handlers: tuple[str, ...]) -> str:
    return csp_header(dict(policy), handlers)


def _with_policy(response: HttpResponse) -> HttpResponse:
    if HEADER not in response and response.get("Content-Type", "").startswith("text/html"):
        policy = getattr(settings, "SEAMLINE_CSP", {"default-src": ["'self'"]})
        handlers = getattr(settings, "SEAMLINE_CSP_INLINE_HANDLERS", ())
        # Read per response (tests change the settings), built once per distinct policy.
        response[HEADER] = _header(
            tuple((name, tuple(sources)) for name, sources in policy.items()), tuple(handlers)
        )
    return response


@sync_and_async_middleware
def content_security_policy(get_response: Callable) -> Callable:
    """The middleware (settings.MIDDLEWARE); async too, so the streaming paths take no thread hop for it."""
    if iscoroutinefunction(get_response):

        async def middleware_async(request: HttpRequest) -> HttpResponse:
            return _with_policy(await get_response(request))

        return middleware_async

    def middleware(request: HttpRequest) -> HttpResponse:
        return _with_policy(get_response(request))

    return middleware
