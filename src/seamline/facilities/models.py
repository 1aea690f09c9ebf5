"""Places where work happens: a factory's cutting floor, a dye house down the street, a courier hub."""

import uuid

from django.db import models

from seamline.accounts.models import Organization


class FacilityKind(models.TextChoices):
    PATTERN_ROOM = "pattern_room", "Pattern room"
    SAMPLE_LINE = "sample_line", "Sample line"
    CUT_AND_SEW = "cut_and_sew", "Cut-and-sew floor"
    DYE_HOUSE = "dye_house", "Dye house"
    LASER_WASH = "laser_wash", "Laser wash"
    FINISHING = "finishing", "Pressing / finishing"
    WAREHOUSE = "warehouse", "Warehouse / dock"
    FIBRE_RECYCLER = "fibre_recycler", "Fibre recycler"
    COURIER_HUB = "courier_hub", "Courier hub"


class Facility(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="facilities")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, choices=FacilityKind.choices)
    street = models.CharField(max_length=200)
    city = models.CharField(max_length=100)
    state = models.CharField(max_length=2)
    zip_code = models.CharField(max_length=5)
    latitude = models.FloatField()
    longitude = models.FloatField()
    grid_region = models.CharField(max_length=16, default="CAMX", help_text="eGRID subregion, e.g. CAMX")
    solar_share_pct = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "facilities"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(solar_share_pct__gte=0, solar_share_pct__lte=100),
                name="solar_share_pct_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def epc_uri(self) -> str:
        """Stable URI for EPCIS readPoint / bizLocation."""
        return f"urn:seamline:facility:{self.uid}"

    @property
    def address(self) -> str:
        return f"{self.street}, {self.city}, {self.state} {self.zip_code}"
