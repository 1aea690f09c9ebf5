"""Reads of facilities, scoped to the organization that asks."""

from django.db.models import Q, QuerySet

from seamline.accounts.models import Organization
from seamline.trace.namespaces import Parties, parties, uuid_keys

from .models import Facility


def facility_list(
    *, organization: Organization, kind: str | None = None, q: str | None = None
) -> QuerySet[Facility]:
    """A factory sees its own facilities; a brand sees those of the factories making its orders."""
    if organization.is_factory:
        qs = Facility.objects.filter(organization=organization)
    else:
        # The factories making its orders, through the orders' foreign keys (production sits above
        # facilities: a lookup by relation name, not an import).
        makers = Organization.objects.filter(orders_received__brand=organization).values("pk")
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


def facilities_known(uids: list[str]) -> dict[str, Parties]:
    """The ledger's look-up of facility identifiers (trace.namespaces): places, of no brand; only their
    organization records events naming them."""
    rows = Facility.objects.filter(uid__in=uuid_keys(uids)).values_list("uid", "organization_id")
    return {str(uid): parties(None, organization) for uid, organization in rows}
