from django.apps import AppConfig

from seamline.catalog.panels import STYLE_PANELS
from seamline.drops.panels import DROP_PUBLIC_PANELS
from seamline.trace.namespaces import Namespace, namespace_add


class FittingConfig(AppConfig):
    name = "seamline.fitting"
    label = "fitting"

    def ready(self) -> None:
        from .panels import drop_changes_panel
        from .selectors import samples_known
        from .spec_views import style_fitting_panel

        namespace_add(Namespace("sample", samples_known))  # how the ledger looks a sample up (its fitting)
        STYLE_PANELS.add("fitting-spec", style_fitting_panel, position=15)
        DROP_PUBLIC_PANELS.add("changes from the comments", drop_changes_panel, position=10)
