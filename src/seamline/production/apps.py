from django.apps import AppConfig

from seamline.catalog.panels import STYLE_PANELS
from seamline.trace.namespaces import Namespace, namespace_add


class ProductionConfig(AppConfig):
    name = "seamline.production"
    label = "production"

    def ready(self) -> None:
        from .selectors import cartons_known, garments_known
        from .views import style_orders_panel

        namespace_add(Namespace("garment", garments_known))  # how the ledger looks goods up
        namespace_add(Namespace("carton", cartons_known))
        STYLE_PANELS.add("orders", style_orders_panel, position=20)
