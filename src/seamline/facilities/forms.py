"""Forms of the facilities pages; the rules (ZIP exists, solar share 0–100) are the service's."""

from __future__ import annotations

from django import forms

from .models import FacilityKind


class FacilityForm(forms.Form):
    name = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=FacilityKind.choices)
    street = forms.CharField(max_length=200, label="Street address")
    zip_code = forms.CharField(
        max_length=10,
        label="ZIP code",
        help_text="City, state and map position come from the ZIP code.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    city = forms.CharField(
        max_length=100,
        required=False,
        help_text="Blank for the ZIP code's own city, or another name USPS accepts for it (Vernon: 90058).",
    )
    grid_region = forms.CharField(
        max_length=16, initial="CAMX", label="Electricity grid (eGRID subregion)", required=False
    )
    solar_share_pct = forms.DecimalField(
        label="Solar share of electricity (%)", initial=0, max_digits=5, decimal_places=2, required=False
    )


class FacilityFilterForm(forms.Form):
    q = forms.CharField(
        required=False, label="Search", widget=forms.SearchInput(attrs={"placeholder": "Name, city, ZIP"})
    )
    kind = forms.ChoiceField(required=False, choices=[("", "All kinds"), *FacilityKind.choices])
