"""Forms of the accounts pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm


class SignInForm(AuthenticationForm):
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
