"""Forms of the production pages: the order form grows one quantity input per variant of the chosen style."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from seamline.accounts.models import Organization
from seamline.catalog.models import Style

from .services import MAX_ORDER_UNITS
from .states import State


class OrderForm(forms.Form):
    style = forms.ModelChoiceField(queryset=Style.objects.none(), empty_label="Choose a style…")
    factory = forms.ModelChoiceField(queryset=Organization.objects.none(), empty_label="Choose a factory…")
    due_date = forms.DateField(label="Due date", widget=forms.DateInput(attrs={"type": "date"}))
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(
        self, *args: Any, styles: QuerySet, factories: QuerySet, style: Style | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["style"].queryset = styles
        self.fields["factory"].queryset = factories
        # Hints for the date picker and the number inputs; the service enforces both rules.
        today = timezone.localdate(timezone=timezone.get_default_timezone())
        self.fields["due_date"].widget.attrs["min"] = today.isoformat()
        self.chosen_style = style
        self.variants = list(style.variants.all()) if style else []
        for v in self.variants:
            self.fields[f"qty_{v.pk}"] = forms.IntegerField(
                label=f"{v.colour} {v.size}",
                required=False,
                widget=forms.NumberInput(
                    attrs={
                        "min": 0,
                        "max": MAX_ORDER_UNITS,
                        "step": 1,
                        "inputmode": "numeric",
                        "class": "qty",
                    }
                ),
            )

    def quantity_rows(self) -> list[tuple[str, list[forms.BoundField | None]]]:
        """[(colour, [quantity input per size])] in the style's size order, for a colour × size grid."""
        if self.chosen_style is None:
            return []
        by_key = {(v.colour, v.size): self[f"qty_{v.pk}"] for v in self.variants}
        return [
            (c, [by_key.get((c, s)) for s in self.chosen_style.sizes]) for c in self.chosen_style.colourways
        ]

    def quantities(self) -> dict[str, int]:
        """{sku: units} of the inputs filled in (blank and 0 mean none of that variant)."""
        out = {}
        for v in self.variants:
            n = self.cleaned_data.get(f"qty_{v.pk}")
            if n:
                out[v.sku] = n
        return out

    def field_for(self, name: str) -> str | None:
        """quantities.<sku> -> that variant's input."""
        _, _, sku = name.partition("quantities.")
        return next((f"qty_{v.pk}" for v in self.variants if v.sku == sku), None)


STATE_FILTER_CHOICES = [("", "All states"), ("open", "Open (not delivered or cancelled)")] + [
    (s.value, s.value.title()) for s in State
]


class OrderFilterForm(forms.Form):
    state = forms.ChoiceField(required=False, choices=STATE_FILTER_CHOICES)
