"""The back-office admin shows each organization only its own rows; another's answers 404."""

import pytest
from django.contrib.auth.models import Permission

from tests import factories as f


@pytest.fixture
def staff(brand, factory):
    for tenant in (brand, factory):
        tenant.user.is_staff = True
        tenant.user.save()
        tenant.user.user_permissions.set(
            Permission.objects.filter(content_type__app_label__in=["catalog", "production", "facilities"])
        )
    return brand, factory


def test_changelists_are_scoped(staff, other_brand, other_factory):
    brand, factory = staff
    mine = f.make_material(brand.org, name="Selvedge denim")
    f.make_material(other_brand.org, name="Secret silk")
    f.make_facility(other_factory.org, name="Rival dye house")
    own_fac = f.make_facility(factory.org, name="Our cutting floor")
    body = brand.client().get("/admin/catalog/material/").content.decode()
    assert mine.name in body and "Secret silk" not in body
    body = factory.client().get("/admin/facilities/facility/").content.decode()
    assert own_fac.name in body and "Rival dye house" not in body


@pytest.mark.parametrize(
    "path",
    [
        "/admin/catalog/material/{material}/change/",
        "/admin/catalog/style/{style}/change/",
        "/admin/production/productionorder/{order}/change/",
        "/admin/facilities/facility/{facility}/change/",
    ],
)
def test_another_orgs_record_is_404(staff, other_brand, other_factory, path):
    brand, _ = staff
    ids = {
        "material": f.make_material(other_brand.org).pk,
        "style": f.make_style(other_brand.org).pk,
        "order": f.make_order(other_brand.org, other_factory.org).pk,
        "facility": f.make_facility(other_factory.org).pk,
    }
    assert brand.client().get(path.format(**ids)).status_code == 404


def test_another_orgs_record_cannot_be_changed(staff, other_brand):
    brand, _ = staff
    theirs = f.make_material(other_brand.org, name="Their silk")
    response = brand.client().post(f"/admin/catalog/material/{theirs.pk}/delete/", {"post": "yes"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Their silk"


def test_own_record_opens(staff):
    brand, _ = staff
    mine = f.make_material(brand.org)
    assert brand.client().get(f"/admin/catalog/material/{mine.pk}/change/").status_code == 200
