"""The forms of the delivery pages: planning a day, and the courier's proof of delivery or failed attempt.

The proof form checks nothing the action does not check itself (actions.stop_deliver names the missing photo,
name or code): one rule, one message, whichever page or API call sends it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone

from .models import Attempt

__all__ = ["DeliverForm", "FailForm", "PlanForm"]


class PlanForm(forms.Form):
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    seconds = forms.DecimalField(
        label="Time budget (s)",
        initial=5,
        min_value=1,
        max_value=60,
        decimal_places=1,
        help_text="How long the planner searches; the plan is checked before couriers see it.",
    )


class DeliverForm(forms.Form):
    photo = forms.FileField(
        required=False,
        label="Photo of the parcel at the door",
        widget=forms.FileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    recipient_name = forms.CharField(required=False, max_length=200, label="Recipient's name")
    code = forms.CharField(
        required=False,
        max_length=20,  # a longer entry is the action's to refuse, with its own message
        label="4-digit code",
        help_text="The customer has it in their e-mail.",
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{4}", "size": 6}
        ),
    )

    def __init__(self, *args: Any, needs_proof: bool = True, needs_code: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The browser asks before sending what the action would refuse; the action still checks.
        if needs_proof:
            for name in ("photo", "recipient_name"):
                self.fields[name].widget.attrs["required"] = True
        else:
            self.fields["photo"].label = "Photo (optional)"
            del self.fields["recipient_name"]
        if needs_proof and needs_code:
            self.fields["code"].widget.attrs["required"] = True
        else:
            del self.fields["code"]


class FailForm(forms.Form):
    reason = forms.ChoiceField(choices=Attempt.Reason.choices, label="Why")
    next_attempt_on = forms.DateField(label="Next attempt", widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(required=False, max_length=300, label="Note")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"next_attempt_on": timezone.localdate() + timedelta(days=1)})
        super().__init__(*args, **kwargs)
