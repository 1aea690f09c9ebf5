"""The drop form: one price for every SKU on offer, or a price (and an optional cap) per SKU.

The form only parses; the rules (threshold within the cap, closing after opening, a price for each SKU)
are drop_create's, whose errors land next to the fields they name.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet

from seamline.accounts.models import Organization
from seamline.catalog.models import Style, Variant

LOCAL_MINUTE = "%Y-%m-%dT%H:%M"


def _when(label: str) -> forms.DateTimeField:
    """A datetime-local input, read in the current time zone (Los Angeles)."""
    return forms.DateTimeField(
        label=label,
        input_formats=[LOCAL_MINUTE, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_MINUTE),
    )


class DropForm(forms.Form):
    style = forms.ModelChoiceField(queryset=Style.objects.none(), empty_label="Choose a style…")
    factory = forms.ModelChoiceField(queryset=Organization.objects.none(), empty_label="Choose a factory…")
    title = forms.CharField(max_length=200)
    slug = forms.SlugField(
        max_length=80,
        required=False,
        label="Address",
        help_text="The public page is /d/<address>/; blank: from the title.",
    )
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    price = forms.DecimalField(
        required=False,
        max_digits=10,
        decimal_places=2,
        label="Price (every SKU)",
        help_text="Used for each SKU on offer whose own price is blank.",
    )
    run_cap = forms.IntegerField(label="Run cap (units)", help_text="The most units the run will make.")
    threshold_units = forms.IntegerField(
        required=False, label="Funded at (units)", help_text="Or give a revenue threshold instead."
    )
    threshold_revenue = forms.DecimalField(
        required=False, max_digits=12, decimal_places=2, label="Funded at (revenue)"
    )
    per_customer_limit = forms.IntegerField(initial=2, label="Limit per customer (units)")
    opens_at = _when("Opens")
    closes_at = _when("Closes")
    overcut_pct = forms.DecimalField(
        initial=Decimal("3"),
        max_digits=5,
        decimal_places=2,
        label="Overcut (%)",
        help_text="Extra cut for the run: this % of the units sold, rounded up once and shared by size.",
    )

    def __init__(
        self, *args: Any, styles: QuerySet, factories: QuerySet, style: Style | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["style"].queryset = styles
        self.fields["factory"].queryset = factories
        self.chosen_style = style
        self.variants: list[Variant] = list(style.variants.all()) if style else []
        for v in self.variants:
            self.fields[f"offer_{v.pk}"] = forms.BooleanField(
                required=False, initial=True, label=f"Offer {v.sku}"
            )
            self.fields[f"price_{v.pk}"] = forms.DecimalField(
                required=False, max_digits=10, decimal_places=2, label=f"Price of {v.sku}"
            )
            self.fields[f"cap_{v.pk}"] = forms.IntegerField(required=False, label=f"Cap of {v.sku}")

    def variant_rows(self) -> list[dict[str, Any]]:
        """One row a SKU for the offer table: the variant and its three inputs."""
        return [
            {
                "variant": v,
                "offer": self[f"offer_{v.pk}"],
                "price": self[f"price_{v.pk}"],
                "cap": self[f"cap_{v.pk}"],
            }
            for v in self.variants
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.variants and not any(data.get(f"offer_{v.pk}") for v in self.variants):
            self.add_error(None, "Offer at least one SKU.")
        for v in self.variants:
            if data.get(f"offer_{v.pk}") and data.get(f"price_{v.pk}") is None and data.get("price") is None:
                self.add_error(f"price_{v.pk}", "Give a price here, or one price for every SKU.")
        return data

    def prices(self) -> dict[str, Decimal]:
        """{sku: price} of the SKUs on offer (their own price, else the common one)."""
        common = self.cleaned_data.get("price")
        out = {}
        for v in self.variants:
            if self.cleaned_data.get(f"offer_{v.pk}"):
                own = self.cleaned_data.get(f"price_{v.pk}")
                out[v.sku] = own if own is not None else common
        return out

    def variant_caps(self) -> dict[str, int]:
        return {
            v.sku: self.cleaned_data[f"cap_{v.pk}"]
            for v in self.variants
            if self.cleaned_data.get(f"offer_{v.pk}") and self.cleaned_data.get(f"cap_{v.pk}") is not None
        }

    def field_for(self, name: str) -> str | None:
        """prices.<sku> and variant_caps.<sku> -> that SKU's input."""
        head, _, sku = name.partition(".")
        kind = {"prices": "price", "variant_caps": "cap"}.get(head)
        return next((f"{kind}_{v.pk}" for v in self.variants if kind and v.sku == sku), None)
