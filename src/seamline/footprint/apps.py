from django.apps import AppConfig

from seamline.delivery.hooks import route_footprint


class FootprintConfig(AppConfig):
    name = "seamline.footprint"
    label = "footprint"

    def ready(self) -> None:
        from .factors import load_registry
        from .services import route_estimate

        load_registry()  # a bad factor file fails loudly at start-up, not on the first footprint
        route_footprint.add("kg CO2e of a route", route_estimate)
