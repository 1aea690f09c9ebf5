"""Organizations (brands and factories), who belongs to them, and their API tokens."""

from django.conf import settings
from django.db import models


class Organization(models.Model):
    class Kind(models.TextChoices):
        BRAND = "brand", "Brand"
        FACTORY = "factory", "Factory"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=["brand", "factory"]), name="org_kind")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_brand(self) -> bool:
        return self.kind == self.Kind.BRAND

    @property
    def is_factory(self) -> bool:
        return self.kind == self.Kind.FACTORY


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        STAFF = "staff", "Staff"
        OPERATOR = "operator", "Operator"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.STAFF)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="one_membership_per_org")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization} ({self.role})"


class ApiToken(models.Model):
    """A bearer token scoped to one organization. Only a SHA-256 of the secret is stored."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="api_tokens")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    facility = models.ForeignKey(
        "facilities.Facility",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="a partner's token: it may only record EPCIS events at this facility",
    )

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
