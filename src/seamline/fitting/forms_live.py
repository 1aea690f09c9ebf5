"""The live session's forms: a new session, a typed comment, a chat export, a theme's change request and a
lexicon term. They only parse; the rules are the services' (fitting/sessions.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from seamline.catalog.models import Style
from seamline.drops.models import Drop

from .models import LexiconTerm, Sample

LOCAL_MINUTE = "%Y-%m-%dT%H:%M"


class SessionForm(forms.Form):
    title = forms.CharField(max_length=200)
    stream_url = forms.URLField(
        assume_scheme="https",
        required=False,
        max_length=200,
        label="Stream URL",
        help_text="The TikTok, Instagram or YouTube live link (shown as a link, not embedded).",
    )
    style = forms.ModelChoiceField(queryset=Style.objects.none(), empty_label="Choose a style…")
    drop = forms.ModelChoiceField(queryset=Drop.objects.none(), required=False, empty_label="No drop")
    sample = forms.ModelChoiceField(
        queryset=Sample.objects.none(), required=False, empty_label="No sample", label="Sample on the model"
    )
    starts_at = forms.DateTimeField(
        label="Starts",
        input_formats=[LOCAL_MINUTE, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_MINUTE),
    )

    def __init__(
        self, *args: Any, styles: QuerySet, drops: QuerySet, samples: QuerySet, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["style"].queryset = styles
        self.fields["drop"].queryset = drops
        self.fields["drop"].label_from_instance = lambda d: f"{d.title} ({d.style.code})"
        self.fields["sample"].queryset = samples


class TypedCommentForm(forms.Form):
    text = forms.CharField(
        max_length=2000, widget=forms.TextInput(attrs={"autocomplete": "off"}), label="Comment"
    )
    author = forms.CharField(max_length=120, required=False, label="From", help_text="@handle, if known")


class CsvForm(forms.Form):
    file = forms.FileField(label="Chat export (CSV)")
    platform = forms.CharField(
        max_length=20, required=False, help_text="When the file has no platform column: tiktok, youtube…"
    )


class ChangeForm(forms.Form):
    subject = forms.CharField(max_length=40)
    direction = forms.CharField(max_length=40)
    amount_cm = forms.DecimalField(required=False, max_digits=4, decimal_places=1, min_value=0, label="cm")


class TermForm(forms.Form):
    kind = forms.ChoiceField(choices=LexiconTerm.Kind.choices)
    key = forms.CharField(max_length=40, required=False)
    label = forms.CharField(max_length=80, required=False)
    words = forms.CharField(
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Words and phrases, separated by commas.",
    )
