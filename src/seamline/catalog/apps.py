from django.apps import AppConfig

from seamline.trace.namespaces import Namespace, namespace_add


class CatalogConfig(AppConfig):
    name = "seamline.catalog"
    label = "catalog"

    def ready(self) -> None:
        from . import selectors, services

        # The identifiers the catalog mints, as the ledger looks them up; a roll's holder takes its meters.
        namespace_add(
            Namespace(
                "roll",
                selectors.rolls_known,
                uom="MTR",
                stock=selectors.roll_stock,
                take=services.rolls_take,
            )
        )
        namespace_add(Namespace("material", selectors.materials_known))
        namespace_add(Namespace("offcut", selectors.materials_known))
        namespace_add(Namespace("sku", selectors.skus_known))
