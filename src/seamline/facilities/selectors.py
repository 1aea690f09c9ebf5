"""Reads of facilities, scoped to the organization that asks."""

from django.db.models import Q, QuerySet

from seamline.accounts.models import Organization
from seamline.production.models import ProductionOrder

from .models import Facility


def facility_list(
    *, organization: Organization, kind: str | None = None, q: str | None = None
) -> QuerySet[Facility]:
    """A factory sees its own facilities; a brand sees those of the factories making its orders."""
    if organization.is_factory:
        qs = Facility.objects.filter(organization=organization)
    else:
        makers = ProductionOrder.objects.filter(brand=organization).values("factory_id")
        qs = Facility.objects.filter(organization_id__in=makers)
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(city__icontains=q) | Q(zip_code__startswith=q))
    return qs.select_related("organization").order_by("name", "pk")


def facility_get(*, organization: Organization, pk: int) -> Facility | None:
    return facility_list(organization=organization).filter(pk=pk).first()


def facility_own_list(*, organization: Organization) -> QuerySet[Facility]:
    """Facilities the organization may write to (receive rolls at, edit)."""
    return Facility.objects.filter(organization=organization).order_by("name")
