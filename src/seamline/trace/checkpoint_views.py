"""The public list of an organization's signed checkpoints, for partners to archive: no sign-in."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from seamline.accounts.models import Organization

from .checkpoints import checkpoints_document


@require_GET
def checkpoints(request: HttpRequest, slug: str) -> HttpResponse:
    organization = get_object_or_404(Organization, slug=slug, chain__isnull=False)
    response = JsonResponse(checkpoints_document(organization), json_dumps_params={"indent": 1})
    response["Cache-Control"] = "public, max-age=300"
    return response
