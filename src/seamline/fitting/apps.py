from django.apps import AppConfig

from seamline.trace.namespaces import Namespace, namespace_add


class FittingConfig(AppConfig):
    name = "seamline.fitting"
    label = "fitting"

    def ready(self) -> None:
        from .selectors import samples_known

        namespace_add(Namespace("sample", samples_known))  # how the ledger looks a sample up (its fitting)
