"""Forms of the accounts pages."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import dateformat, timezone

from seamline.core.ratelimit import client_ip

from .models import SignInAttempt
from .services import signin_attempt_record
from .throttle import signin_failed, signin_refusal_is_first, signin_succeeded, signin_wait


def _wait_text(seconds: int) -> str:
    """ "in 8 seconds (at 10:42:07 a.m.)": when the lock ends, in Los Angeles time as the pages show."""
    if seconds < 60:
        amount = f"{seconds} second{'s' if seconds != 1 else ''}"
    else:
        minutes = math.ceil(seconds / 60)
        amount = f"{minutes} minute{'s' if minutes != 1 else ''}"
    at = timezone.localtime(timezone.now() + timedelta(seconds=seconds))
    return f"in {amount} (at {dateformat.format(at, 'g:i:s a')})"


class ThrottledSignIn(AuthenticationForm):
    """Sign-in throttling and the sign-in log, for the app's sign-in form and the admin's.

    A locked try is refused before the password is checked; `retry_after` then holds the seconds to wait,
    and SignInRefusedMiddleware answers 429 with them in Retry-After."""

    retry_after = 0

    def clean(self) -> dict[str, Any]:
        email, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if not (email and password):
            return super().clean()  # a field is missing: its own error says so, and nothing was tried
        ip = client_ip(self.request) if self.request else "unknown"
        wait = signin_wait(ip=ip, email=email)
        if wait:
            self.retry_after = wait
            if signin_refusal_is_first(ip=ip, email=email, wait=wait):
                self._log(email, ip, SignInAttempt.Outcome.REFUSED)
            raise ValidationError(
                f"Too many failed sign-ins from your address. Try again {_wait_text(wait)}.", code="throttled"
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            signin_failed(ip=ip, email=email)
            self._log(email, ip, SignInAttempt.Outcome.FAILED)
            raise
        signin_succeeded(ip=ip, email=email)
        self._log(email, ip, SignInAttempt.Outcome.SUCCEEDED, user=self.get_user())
        return cleaned

    def _log(self, email: str, ip: str, outcome: str, user: Any = None) -> None:
        meta = self.request.META if self.request else {}
        path = self.request.path if self.request else ""
        signin_attempt_record(
            email=email,
            outcome=outcome,
            ip=ip,
            user=user,
            user_agent=meta.get("HTTP_USER_AGENT", ""),
            path=path,
        )


class AdminSignInForm(ThrottledSignIn, AdminAuthenticationForm):
    """The admin's sign-in form (staff only), throttled and logged like the app's."""


class SignInForm(ThrottledSignIn):
    """Django's sign-in form; the username is the e-mail address."""

    # Django's message names the user model's field ("username"); people here sign in with an e-mail.
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": (
            "Please enter a correct e-mail and password. Note that both fields may be case-sensitive."
        ),
    }

    username = forms.CharField(
        label="E-mail",
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        label="Token name",
        help_text="What uses it, e.g. “Shopify sync” or “cutting-room tablet”.",
    )
    facility = forms.ModelChoiceField(
        queryset=None,
        required=False,
        empty_label="Whole organization",
        label="Bound to facility",
        help_text="A partner's token (a dye house, a presser) records trace events at this facility only.",
    )

    def __init__(self, *args: Any, facilities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = facilities
