"""The JSON API at /api/v1: one NinjaAPI, token or session auth, and the single error mapper
that turns every failure into RFC 9457 problem details."""

from __future__ import annotations

import json

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError as NinjaAuthenticationError
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer

from seamline.accounts.selectors import organization_for_user, token_authenticate

from .errors import DomainError

PROBLEM_JSON = "application/problem+json"


class TokenAuth(HttpBearer):
    """`Authorization: Bearer sl_…`: the token's organization becomes request.organization."""

    def authenticate(self, request: HttpRequest, token: str):
        api_token = token_authenticate(key=token)
        if api_token is None:
            return None
        request.organization = api_token.organization  # type: ignore[attr-defined]
        return api_token


class SessionAuth(APIKeyCookie):
    """The signed-in browser session (for the HTMX pages and the docs page); CSRF checked on writes."""

    param_name = "sessionid"

    def _get_key(self, request: HttpRequest) -> str | None:
        return "session"

    def authenticate(self, request: HttpRequest, key: str | None):
        if not request.user.is_authenticated:
            return None
        org = getattr(request, "organization", None) or organization_for_user(user=request.user, org_id=None)
        if org is None:
            return None
        request.organization = org  # type: ignore[attr-defined]
        return request.user


api = NinjaAPI(
    title="Seamline API",
    version="1",
    description="Materials, rolls, styles, facilities and production orders of one organization.",
    auth=[TokenAuth(), SessionAuth()],
    docs_url="/docs",
    openapi_url="/openapi.json",
    urls_namespace="api",
)


def problem(
    request: HttpRequest, *, status: int, title: str, detail: str, code: str, errors: list[dict] | None = None
) -> HttpResponse:
    body: dict = {"type": f"https://seamline.dev/problems/{code}", "title": title, "status": status, "detail": detail}
    if errors:
        body["errors"] = errors
    body["instance"] = request.get_full_path()
    return HttpResponse(json.dumps(body, default=str), status=status, content_type=PROBLEM_JSON)


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    errors = [{"field": name, "message": msg} for name, msg in exc.fields.items()]
    return problem(request, status=exc.status, title=exc.title, detail=exc.detail, code=exc.code, errors=errors)


@api.exception_handler(NinjaValidationError)
def _request_invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = []
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "payload", "query", "path")]
        errors.append({"field": ".".join(loc) or "body", "message": err.get("msg", "invalid")})
    named = ", ".join(e["field"] for e in errors)
    return problem(
        request, status=422, title="Invalid input", detail=f"Invalid field(s): {named}", code="validation-error",
        errors=errors,
    )


@api.exception_handler(NinjaAuthenticationError)
def _unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    response = problem(
        request, status=401, title="Authentication required",
        detail="Send 'Authorization: Bearer <token>' with an API token of your organization.", code="unauthenticated",
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(request, status=404, title="Not found", detail=str(exc) or "No such record.", code="not-found")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem(request, status=exc.status_code, title="Request error", detail=str(exc), code="http-error")
