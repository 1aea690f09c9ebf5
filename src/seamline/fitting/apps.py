from django.apps import AppConfig

from seamline.drops.panels import DROP_PUBLIC_PANELS
from seamline.trace.namespaces import Namespace, namespace_add


class FittingConfig(AppConfig):
    name = "seamline.fitting"
    label = "fitting"

    def ready(self) -> None:
        from .panels import drop_changes_panel
        from .selectors import samples_known

        namespace_add(Namespace("sample", samples_known))  # how the ledger looks a sample up (its fitting)
        DROP_PUBLIC_PANELS.add("changes from the comments", drop_changes_panel, position=10)
