from django.apps import AppConfig

from seamline.production.panels import ORDER_PANELS


class FloorConfig(AppConfig):
    name = "seamline.floor"
    label = "floor"

    def ready(self) -> None:
        from .views import order_floor_panel

        ORDER_PANELS.add("floor", order_floor_panel, position=30)
