from django.apps import AppConfig

from seamline.catalog.panels import ROLL_PANELS
from seamline.production.panels import ORDER_PANELS


class LineageConfig(AppConfig):
    name = "seamline.lineage"
    label = "lineage"

    def ready(self) -> None:
        from . import views

        ROLL_PANELS.add("downstream", views.roll_downstream_panel)
        ORDER_PANELS.add("mass-balance", views.order_mass_balance_panel, position=35)
