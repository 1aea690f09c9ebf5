"""Passports: each garment's signed credential, the issuers' keys and their revocation lists."""

from __future__ import annotations

from django.db import models

from seamline.accounts.models import Organization
from seamline.production.models import Garment


class IssuerKey(models.Model):
    """An issuing organization's Ed25519 key: the private half only as encrypted PKCS#8 PEM.

    Rotation adds a key and retires the old one, which stays in the DID document: passports it signed
    keep verifying."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="issuer_keys")
    kid = models.CharField(max_length=64, unique=True)
    public_jwk = models.JSONField()
    private_pem = models.TextField(help_text="encrypted with the server's key passphrase")
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.kid


class StatusList(models.Model):
    """An issuer's Bitstring Status List (revocation): the encoded list and the next free index."""

    organization = models.OneToOneField(Organization, on_delete=models.PROTECT, primary_key=True)
    encoded = models.TextField()
    next_index = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"status list of {self.organization}"


class Passport(models.Model):
    """A garment's Digital Product Passport: the credential as issued and signed (never edited)."""

    garment = models.OneToOneField(Garment, on_delete=models.PROTECT, related_name="passport")
    serial = models.CharField(max_length=32, unique=True)
    issuer = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="passports")
    credential = models.JSONField(help_text="the credential's payload, as signed")
    jws = models.TextField(help_text="the credential secured as VC-JOSE-COSE (compact JWS, EdDSA)")
    status_index = models.PositiveIntegerField()
    issued_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "status_index"], name="passport_status_index_unique")
        ]

    def __str__(self) -> str:
        return self.serial
