"""The brand's revoke form: a reason, and the serial typed again (a revocation cannot be undone)."""

from __future__ import annotations

from typing import Any

from django import forms


class RevokeForm(forms.Form):
    reason = forms.CharField(
        max_length=200,
        help_text="Shown on the passport page, e.g. reported counterfeit.",
        widget=forms.TextInput(attrs={"placeholder": "e.g. reported counterfeit"}),
    )
    confirm = forms.CharField(label="Type the serial to confirm", max_length=32)

    def __init__(self, *args: Any, serial: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.serial = serial
        # The browser checks the pattern before sending (no JavaScript needed); clean_confirm decides.
        self.fields["confirm"].widget.attrs.update(pattern=serial, autocomplete="off", placeholder=serial)
        self.fields["confirm"].help_text = f"{serial}: once revoked, it verifies as revoked for good."

    def clean_confirm(self) -> str:
        typed = self.cleaned_data["confirm"].strip()
        if typed != self.serial:
            raise forms.ValidationError(f"Type {self.serial} exactly to revoke this passport.")
        return typed
