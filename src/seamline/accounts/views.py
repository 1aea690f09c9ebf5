"""Sign-in lives in urls.py (Django's LoginView); here: switching organization and the API tokens page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from seamline.core.errors import found

from .access import org_view, require, requires
from .forms import ApiTokenForm, SignInForm
from .middleware import SESSION_KEY
from .permissions import Permission
from .selectors import api_token_list, bindable_facilities, memberships_of
from .services import api_token_create, api_token_revoke

__all__ = ["SignInForm", "api_token_revoke_view", "api_tokens", "org_switch"]


@require_POST
@login_required
def org_switch(request: HttpRequest) -> HttpResponse:
    """Act for another of the user's organizations from now on (kept in the session)."""
    try:
        org_id = int(request.POST.get("organization", ""))
    except ValueError:
        raise Http404("No such organization") from None
    membership = found(memberships_of(user=request.user).filter(organization_id=org_id).first())
    request.session[SESSION_KEY] = membership.organization_id
    messages.success(request, f"You now act for {membership.organization.name}.")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return HttpResponseRedirect(target)


@org_view
def api_tokens(request: HttpRequest) -> HttpResponse:
    """List the organization's tokens; POST (owners) issues one and shows its key this once."""
    org = request.organization  # type: ignore[attr-defined]
    facilities = bindable_facilities(organization=org)
    form = ApiTokenForm(request.POST or None, facilities=facilities)
    plain_key = ""
    status = 200
    if request.method == "POST":
        require(request, Permission.MANAGE_TOKENS)
        if form.is_valid():
            _token, plain_key = api_token_create(
                organization=org,
                name=form.cleaned_data["name"].strip(),
                created_by=request.user,
                facility=form.cleaned_data["facility"],
            )
            form = ApiTokenForm(facilities=facilities)
            status = 201
        else:
            status = 422
    context = {"form": form, "tokens": api_token_list(organization=org), "plain_key": plain_key}
    return render(request, "accounts/tokens.html", context, status=status)


@require_POST
@org_view
@requires(Permission.MANAGE_TOKENS)
def api_token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    org = request.organization  # type: ignore[attr-defined]
    token = found(api_token_list(organization=org).filter(pk=pk).first(), "API token")
    if token.revoked_at is None:
        api_token_revoke(token=token)
        messages.success(request, f"Token “{token.name}” ({token.prefix}…) is revoked; it no longer works.")
    else:
        messages.info(request, f"Token “{token.name}” was already revoked.")
    return redirect("api_tokens")
