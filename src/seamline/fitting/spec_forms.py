"""Forms of the spec sheet and samples pages (the services check the rules; these shape the input)."""

from __future__ import annotations

from typing import Any

from django import forms

from .models import Sample
from .samples import MAX_SAMPLE_UNITS

SIZE_PREFIX = "size_"


class PomForm(forms.Form):
    """One point of measure, with a value field per size of the style (``size_<size>``)."""

    code = forms.CharField(max_length=16, help_text="e.g. FNL")
    name = forms.CharField(max_length=120, help_text="e.g. Front neck drop")
    how_to_measure = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text="e.g. from HPS to CF neck seam"
    )
    tolerance_cm = forms.CharField(label="Tolerance ± (cm)", max_length=8, initial="0.5")
    critical = forms.BooleanField(required=False, help_text="out of tolerance fails the sample")
    subject = forms.CharField(
        required=False, max_length=40, help_text="the feature it measures, as the lexicon names it: neckline"
    )

    def __init__(self, *args: Any, sizes: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sizes = sizes
        for size in sizes:
            self.fields[SIZE_PREFIX + size] = forms.CharField(
                label=f"{size} (cm)", required=False, max_length=10
            )

    def size_fields(self) -> list[Any]:
        return [self[SIZE_PREFIX + size] for size in self.sizes]

    def service_fields(self) -> dict[str, Any]:
        """The cleaned data as the service reads it: one key per size."""
        data = dict(self.cleaned_data)
        return {(k.removeprefix(SIZE_PREFIX) if k.startswith(SIZE_PREFIX) else k): v for k, v in data.items()}


class SpecImportForm(forms.Form):
    csv = forms.FileField(label="Spec sheet (CSV)", help_text="the columns of the export; replaces the sheet")


class SampleForm(forms.Form):
    stage = forms.ChoiceField(choices=Sample.Stage.choices)
    fit_round = forms.IntegerField(
        required=False, min_value=1, max_value=99, help_text="fit samples only; blank: the next round"
    )
    size = forms.ChoiceField()
    pattern_version = forms.TypedChoiceField(coerce=int, label="Pattern version")
    factory = forms.TypedChoiceField(coerce=int)
    units = forms.IntegerField(min_value=1, max_value=9, initial=1, help_text=f"1 to {MAX_SAMPLE_UNITS}")
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, sizes: list[str], versions: list[Any], factories: list[Any], **kw: Any):
        super().__init__(*args, **kw)
        self.fields["size"].choices = [(s, s) for s in sizes]
        self.fields["pattern_version"].choices = [
            (v.pk, f"v{v.number} ({v.get_status_display().lower()})") for v in versions
        ]
        self.fields["factory"].choices = [(f.pk, f.name) for f in factories]


class PhotoForm(forms.Form):
    photo = forms.FileField(help_text="JPEG or PNG, at most 5 MB")
    caption = forms.CharField(required=False, max_length=200)
