from django.apps import AppConfig

from seamline.trace.namespaces import Namespace, namespace_add


class FacilitiesConfig(AppConfig):
    name = "seamline.facilities"
    label = "facilities"

    def ready(self) -> None:
        from .selectors import facilities_known

        namespace_add(Namespace("facility", facilities_known))  # how the ledger looks a place up
