"""Every passport carries the head of each ledger chain it was issued against (record number, hash, the
public checkpoint list), in a schema-valid credential whose signature verifies; the page shows it."""

from __future__ import annotations

from django.test import Client

from seamline.passport.credential import LEDGER_HEADS, validate_passport
from seamline.passport.services import passports_issue
from seamline.passport.verify import envelope, verify_passport
from seamline.trace.models import Event


def test_an_issued_passport_carries_the_head_and_verifies(delivered, factory):
    passport = passports_issue(order=delivered["order"])[0]
    head = Event.objects.filter(organization=factory.org).order_by("-seq").first()
    [carried] = passport.credential["credentialSubject"][LEDGER_HEADS]
    assert carried == {
        "organization": factory.org.slug,
        "record": head.seq,
        "headHash": head.record_hash,
        "checkpoints": f"http://127.0.0.1:8000/epcis/checkpoints/{factory.org.slug}.json",
    }
    validate_passport(passport.credential)
    checks, credential = verify_passport(envelope(passport.jws))
    assert all(c.ok for c in checks), checks
    assert credential[  # the signed payload holds it, not only the stored row
        "credentialSubject"
    ][LEDGER_HEADS] == [carried]
    page = Client().get(f"/p/{passport.serial}").content.decode()
    assert f"Issued against ledger record {head.seq} of {factory.org.slug}" in page
    assert head.record_hash[:16] in page and f"/epcis/checkpoints/{factory.org.slug}.json" in page
