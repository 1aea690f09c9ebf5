"""Forms of the cutting room: a pattern upload and the cut plan's settings."""

from __future__ import annotations

from typing import Any

from django import forms


class PatternImportForm(forms.Form):
    dxf = forms.FileField(
        label="DXF-AAMA file", help_text="ASTM D6673: every size as a block, or the sample size alone"
    )
    rul = forms.FileField(
        label="Grade rules (.rul)", required=False, help_text="Only when the file holds the sample size alone"
    )


class CutPlanForm(forms.Form):
    colour = forms.ChoiceField(label="Colourway")
    fabric_width_cm = forms.DecimalField(label="Fabric width (cm)", min_value=1, decimal_places=1)
    margin_cm = forms.DecimalField(label="Selvedge margin each side (cm)", min_value=0, decimal_places=1)
    spacing_cm = forms.DecimalField(label="Knife allowance (cm)", min_value=0, decimal_places=2)
    max_plies = forms.IntegerField(label="Most plies per lay", min_value=1)
    max_marker_length_cm = forms.DecimalField(label="Table length (cm)", min_value=1, decimal_places=1)
    setup_cost_cm = forms.DecimalField(
        label="Setup cost per marker (cm of fabric)", min_value=0, decimal_places=1
    )
    overcut_max = forms.IntegerField(label="Overcut allowed per size", min_value=0)
    one_way = forms.BooleanField(label="Napped or one-way fabric (no half turns)", required=False)
    seconds_per_garment = forms.IntegerField(
        label="Nesting time per garment (s)", min_value=1, max_value=60, help_text="More time: tighter"
    )

    def __init__(self, *args: Any, colours: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["colour"].choices = [(c, c) for c in colours]
