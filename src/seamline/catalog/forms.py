"""Forms of the catalog pages. They parse what people type; the rules are the services'."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet

from seamline.core.forms import split_csv
from seamline.facilities.models import Facility, FacilityKind

from .models import Construction, Dyeing, Material, Style

NUMBER = r"\d+(?:[.,]\d+)?"
_FIBRE_LINE = [
    re.compile(rf"^(?P<fibre>.+?)[\s:=,]+(?P<pct>{NUMBER})\s*%?$"),  # cotton 98, cotton: 98%
    re.compile(rf"^(?P<pct>{NUMBER})\s*%?\s+(?P<fibre>.+)$"),  # 98% cotton
]


def parse_composition(text: str) -> dict[str, str]:
    """'cotton 98\\nelastane 2' (or '98% cotton') -> {'cotton': '98', 'elastane': '2'}; raises on junk."""
    out: dict[str, str] = {}
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        match = next((m for rx in _FIBRE_LINE if (m := rx.match(line))), None)
        if match is None:
            raise forms.ValidationError(
                f"Line {n} “{line}”: write a fibre and its percentage, e.g. “cotton 98”."
            )
        fibre = " ".join(match["fibre"].lower().split())
        if fibre in out:
            raise forms.ValidationError(f"{fibre} is listed twice.")
        out[fibre] = match["pct"].replace(",", ".")
    return out


def composition_text(composition: dict[str, Any]) -> str:
    return "\n".join(f"{fibre} {Decimal(str(p)).normalize():f}" for fibre, p in composition.items())


class MaterialForm(forms.Form):
    name = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=Material.Kind.choices, initial=Material.Kind.FABRIC)
    composition = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "cotton 98\nelastane 2"}),
        help_text="One fibre a line with its percentage by mass, e.g. “cotton 98”; they must sum to 100.",
    )
    weight_gsm = forms.DecimalField(label="Weight (g/m²)", required=False, decimal_places=1, max_digits=7)
    usable_width_cm = forms.DecimalField(
        label="Usable width (cm)", required=False, decimal_places=1, max_digits=6
    )
    supplier = forms.CharField(max_length=200, required=False)
    mill = forms.CharField(max_length=200, required=False)
    country_of_origin = forms.CharField(
        max_length=2, required=False, label="Country of origin", help_text="Two letters (ISO 3166), e.g. JP."
    )
    price_per_m = forms.DecimalField(label="Price per m", required=False, decimal_places=2, max_digits=10)
    currency = forms.CharField(max_length=3, initial="USD")
    # How it is made: the footprint applies each mill step to the mass it touches (blank: a stated default).
    construction = forms.ChoiceField(choices=[("", "Not recorded"), *Construction.choices], required=False)
    dyeing = forms.ChoiceField(choices=[("", "Not recorded"), *Dyeing.choices], required=False)
    warp_share_pct = forms.DecimalField(
        label="Warp share (% of the mass)",
        required=False,
        decimal_places=2,
        max_digits=5,
        help_text="Denim: 55–65 %. Leave blank for knits.",
    )
    yarn_dtex = forms.DecimalField(
        label="Yarn count (dtex)",
        required=False,
        decimal_places=1,
        max_digits=7,
        help_text="Ne 7 = 844 dtex.",
    )
    mill_port = forms.CharField(
        max_length=5, required=False, label="Mill's port", help_text="UN/LOCODE, e.g. JPUKB (Kobe)."
    )

    def clean_composition(self) -> dict[str, str]:
        return parse_composition(self.cleaned_data["composition"])


class MaterialFilterForm(forms.Form):
    q = forms.CharField(
        required=False,
        label="Search",
        widget=forms.SearchInput(attrs={"placeholder": "Name, mill, supplier"}),
    )
    kind = forms.ChoiceField(required=False, choices=[("", "All kinds"), *Material.Kind.choices])


class RollForm(forms.Form):
    """Receive a roll at one of the organization's own facilities."""

    facility = forms.ModelChoiceField(
        queryset=Facility.objects.none(), label="Received at", empty_label="Choose a facility…"
    )
    material = forms.ModelChoiceField(queryset=Material.objects.none(), empty_label="Choose a material…")
    roll_id = forms.CharField(
        max_length=64, label="Roll label", help_text="The mill's or your own roll number."
    )
    length_m = forms.DecimalField(label="Length (m)", decimal_places=3, max_digits=9)
    width_cm = forms.DecimalField(
        label="Width (cm)",
        required=False,
        decimal_places=1,
        max_digits=6,
        help_text="Leave blank for the material's usable width; a roll is never wider than that.",
    )
    shade_lot = forms.CharField(max_length=32, required=False, label="Shade lot")

    def __init__(self, *args: Any, facilities: QuerySet, materials: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = facilities
        self.fields["material"].queryset = materials


class RollFilterForm(forms.Form):
    material = forms.ModelChoiceField(
        queryset=Material.objects.none(), required=False, empty_label="All materials"
    )
    shade_lot = forms.CharField(
        required=False, label="Shade lot", widget=forms.SearchInput(attrs={"placeholder": "Shade lot"})
    )
    in_stock = forms.ChoiceField(
        required=False, label="Stock", choices=[("", "All rolls"), ("yes", "On hand"), ("no", "Used up")]
    )

    def __init__(self, *args: Any, materials: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["material"].queryset = materials


class StyleForm(forms.Form):
    code = forms.CharField(max_length=32, help_text="Short and unique among your styles, e.g. CJ-01.")
    name = forms.CharField(max_length=200)
    category = forms.CharField(max_length=64, help_text="e.g. Outerwear, Dresses")
    sizes = forms.CharField(max_length=500, help_text="Comma-separated, smallest first: XS, S, M, L")
    colourways = forms.CharField(max_length=500, help_text="Comma-separated: Indigo Rinse, Ecru")
    care_wash_c = forms.TypedChoiceField(
        label="Care label: wash at",
        choices=[("", "Not machine washed"), (30, "30 °C"), (40, "40 °C"), (60, "60 °C")],
        coerce=int,
        empty_value=None,
        required=False,
    )
    care_tumble_dry = forms.BooleanField(label="Care label allows tumble drying", required=False)

    def clean_sizes(self) -> list[str]:
        return split_csv(self.cleaned_data["sizes"])

    def clean_colourways(self) -> list[str]:
        return split_csv(self.cleaned_data["colourways"])


class StyleFilterForm(forms.Form):
    q = forms.CharField(
        required=False, label="Search", widget=forms.SearchInput(attrs={"placeholder": "Name or code"})
    )


class BomLineForm(forms.Form):
    """A material on the style, with its consumption per size (one input per size)."""

    material = forms.ModelChoiceField(queryset=Material.objects.none(), empty_label="Choose a material…")
    placement = forms.CharField(max_length=100, help_text="shell, lining, pocketing, buttons…")

    def __init__(self, *args: Any, style: Style, materials: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["material"].queryset = materials
        self.sizes = list(style.sizes)
        for i, size in enumerate(self.sizes):
            self.fields[f"size_{i}"] = forms.DecimalField(
                label=size, decimal_places=3, max_digits=9, widget=forms.NumberInput(attrs={"step": "0.001"})
            )

    def size_fields(self) -> list[forms.BoundField]:
        return [self[f"size_{i}"] for i in range(len(self.sizes))]

    def consumption(self) -> dict[str, Decimal]:
        return {size: self.cleaned_data[f"size_{i}"] for i, size in enumerate(self.sizes)}

    def field_for(self, name: str) -> str | None:
        """consumption.M -> the input of size M."""
        _, _, size = name.partition("consumption.")
        return f"size_{self.sizes.index(size)}" if size in self.sizes else None


KIND_CODES = ", ".join(FacilityKind.values)


class RoutingForm(forms.Form):
    operations = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 10, "class": "mono"}),
        label="Operations, in order",
        help_text=(
            "One a line: name | SAM (min) | facility kind | machine | skill 1–5 (name and SAM are required). "
            f"kinds: {KIND_CODES}."
        ),
    )

    def clean_operations(self) -> list[dict[str, Any]]:
        ops = []
        for n, raw in enumerate(self.cleaned_data["operations"].splitlines(), start=1):
            if not raw.strip():
                continue
            parts = [p.strip() for p in raw.split("|")]
            if len(parts) < 2:
                raise forms.ValidationError(
                    f"Line {n}: give at least a name and its SAM, e.g. “Set sleeves | 5.6”."
                )
            op: dict[str, Any] = {"name": parts[0], "sam": parts[1]}
            if len(parts) > 2 and parts[2]:
                op["facility_kind"] = parts[2]
            if len(parts) > 3:
                op["machine"] = parts[3]
            if len(parts) > 4 and parts[4]:
                try:
                    op["skill_level"] = int(parts[4])
                except ValueError:
                    raise forms.ValidationError(f"Line {n}: skill is a whole number from 1 to 5.") from None
            ops.append(op)
        return ops


def routing_text(style: Style) -> str:
    return "\n".join(
        " | ".join([op.name, f"{op.sam.normalize():f}", op.facility_kind, op.machine, str(op.skill_level)])
        for op in style.operations.all()
    )
