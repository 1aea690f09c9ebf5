"""Materials and the rolls they come on; styles with their variants, bill of materials and routing."""

import uuid
from decimal import Decimal

from django.db import models

from seamline.accounts.models import Organization
from seamline.facilities.models import Facility, FacilityKind


class Construction(models.TextChoices):
    WOVEN_SHUTTLE = "woven_shuttle", "Woven on shuttle looms (selvedge)"
    WOVEN_AIR_JET = "woven_air_jet", "Woven on air-jet looms"
    WOVEN_RAPIER = "woven_rapier", "Woven on rapier looms"
    KNIT_CIRCULAR = "knit_circular", "Circular knit"
    KNIT_FLAT = "knit_flat", "Flat knit"


class Dyeing(models.TextChoices):
    WARP_INDIGO_ROPE = "warp_indigo_rope", "Warp yarn rope-dyed with indigo (denim)"
    YARN = "yarn", "All yarn dyed"
    PIECE = "piece", "Dyed as fabric"
    GARMENT = "garment", "Dyed as garments (no mill dyeing)"
    NONE = "none", "Undyed"


class Material(models.Model):
    class Kind(models.TextChoices):
        FABRIC = "fabric", "Fabric"
        TRIM = "trim", "Trim"

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="materials")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.FABRIC)
    # {"cotton": "98", "elastane": "2"}: percentages by mass, summing to exactly 100 (checked by the service).
    composition = models.JSONField(default=dict)
    weight_gsm = models.DecimalField("weight (g/m²)", max_digits=7, decimal_places=1, null=True, blank=True)
    usable_width_cm = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    supplier = models.CharField(max_length=200, blank=True)
    mill = models.CharField(max_length=200, blank=True)
    country_of_origin = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2")
    price_per_m = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, default="USD")
    # The construction the footprint's mill chain follows (blank: inferred from the name, with a default).
    construction = models.CharField(max_length=16, choices=Construction.choices, blank=True)
    dyeing = models.CharField(max_length=16, choices=Dyeing.choices, blank=True)
    warp_share_pct = models.DecimalField(
        "warp share (% of the fabric mass)", max_digits=5, decimal_places=2, null=True, blank=True
    )
    yarn_dtex = models.DecimalField(
        "yarn count (dtex)",
        max_digits=7,
        decimal_places=1,
        null=True,
        blank=True,
        help_text="Ne 7 = 844 dtex",
    )
    mill_port = models.CharField(
        max_length=5, blank=True, help_text="UN/LOCODE of the port the fabric ships from, e.g. JPUKB (Kobe)"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(weight_gsm__gt=0), name="material_weight_positive"),
            models.CheckConstraint(condition=models.Q(usable_width_cm__gt=0), name="material_width_positive"),
            models.CheckConstraint(
                condition=models.Q(warp_share_pct__gt=0, warp_share_pct__lt=100),
                name="material_warp_share_range",
            ),
            models.CheckConstraint(condition=models.Q(yarn_dtex__gt=0), name="material_yarn_dtex_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def composition_label(self) -> str:
        parts = sorted(self.composition.items(), key=lambda kv: -Decimal(str(kv[1])))
        return ", ".join(f"{Decimal(str(p)).normalize():f}% {fibre}" for fibre, p in parts)


class Certification(models.Model):
    material = models.ForeignKey(Material, on_delete=models.CASCADE, related_name="certifications")
    scheme = models.CharField(max_length=100, help_text="e.g. GOTS, OEKO-TEX Standard 100, GRS")
    certificate_number = models.CharField(max_length=100)
    expires_on = models.DateField()

    class Meta:
        ordering = ["scheme"]

    def __str__(self) -> str:
        return f"{self.scheme} {self.certificate_number}"


class FabricRoll(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    roll_id = models.CharField(max_length=64, help_text="the mill's or the factory's roll label")
    material = models.ForeignKey(Material, on_delete=models.PROTECT, related_name="rolls")
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="rolls")
    length_m = models.DecimalField(max_digits=9, decimal_places=3, help_text="as received")
    remaining_m = models.DecimalField(max_digits=9, decimal_places=3, help_text="meters on hand")
    width_cm = models.DecimalField(max_digits=6, decimal_places=1)
    shade_lot = models.CharField(max_length=32, blank=True)
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["-received_at", "pk"]
        # The lists' order: a page of the newest rolls is read off this index, not sorted from all of them.
        indexes = [models.Index(fields=["-received_at", "id"], name="roll_newest")]
        constraints = [
            models.UniqueConstraint(fields=["facility", "roll_id"], name="roll_id_unique_per_facility"),
            models.CheckConstraint(condition=models.Q(length_m__gt=0), name="roll_length_positive"),
            models.CheckConstraint(
                condition=models.Q(remaining_m__gte=0, remaining_m__lte=models.F("length_m")),
                name="roll_remaining_within_length",
            ),
            models.CheckConstraint(condition=models.Q(width_cm__gt=0), name="roll_width_positive"),
        ]

    def __str__(self) -> str:
        return self.roll_id

    @property
    def epc_uri(self) -> str:
        return f"urn:seamline:roll:{self.uid}"


class Style(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="styles")
    code = models.CharField(max_length=32)
    name = models.CharField(max_length=200)
    category = models.CharField(max_length=64)
    sizes = models.JSONField(default=list, help_text="ordered size range, e.g. ['XS', 'S', 'M']")
    colourways = models.JSONField(default=list)
    # The care label, for the footprint's use phase: the wash temperature (None: not machine washed).
    care_wash_c = models.PositiveSmallIntegerField(
        "care label wash temperature (°C)",
        choices=[(30, "30 °C"), (40, "40 °C"), (60, "60 °C")],
        null=True,
        blank=True,
    )
    care_tumble_dry = models.BooleanField("care label allows tumble drying", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="style_code_unique_per_org")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def total_sam(self) -> Decimal:
        return sum((op.sam for op in self.operations.all()), Decimal(0))


class Variant(models.Model):
    """One SKU: a size in a colourway."""

    style = models.ForeignKey(Style, on_delete=models.CASCADE, related_name="variants")
    size = models.CharField(max_length=16)
    colour = models.CharField(max_length=64)
    sku = models.CharField(max_length=64, unique=True)
    position = models.PositiveIntegerField(default=0, help_text="size order within the style")

    class Meta:
        ordering = ["style", "colour", "position"]
        constraints = [models.UniqueConstraint(fields=["style", "size", "colour"], name="variant_unique")]

    def __str__(self) -> str:
        return self.sku


class BomLine(models.Model):
    style = models.ForeignKey(Style, on_delete=models.CASCADE, related_name="bom_lines")
    material = models.ForeignKey(Material, on_delete=models.PROTECT, related_name="bom_lines")
    placement = models.CharField(max_length=100, help_text="shell, lining, pocketing, buttons…")
    # {"XS": "1.650", "S": "1.700"}: meters (fabric) or pieces (trim) per garment of each size.
    consumption = models.JSONField(default=dict)

    class Meta:
        ordering = ["style", "pk"]

    def __str__(self) -> str:
        return f"{self.style.code}: {self.material} ({self.placement})"


class Operation(models.Model):
    style = models.ForeignKey(Style, on_delete=models.CASCADE, related_name="operations")
    sequence = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    sam = models.DecimalField("standard minutes", max_digits=7, decimal_places=2)
    facility_kind = models.CharField(max_length=32, choices=FacilityKind.choices)
    machine = models.CharField(max_length=100, blank=True)
    skill_level = models.PositiveSmallIntegerField(default=2, help_text="1 (entry) to 5 (master)")
    # The precedence graph line balancing and scheduling read: the sequences that must be done first
    # (None: the previous operation, a straight routing; []: none, it can start the bundle).
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["style", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["style", "sequence"], name="operation_sequence_unique"),
            models.CheckConstraint(condition=models.Q(sam__gt=0), name="operation_sam_positive"),
            models.CheckConstraint(
                condition=models.Q(skill_level__gte=1, skill_level__lte=5), name="skill_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sequence}. {self.name}"

    @property
    def predecessors(self) -> list[int]:
        """The sequences that must be done before this one."""
        if self.after is None:
            return [self.sequence - 1] if self.sequence > 1 else []
        return list(self.after)
