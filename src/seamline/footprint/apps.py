from django.apps import AppConfig


class FootprintConfig(AppConfig):
    name = "seamline.footprint"
    label = "footprint"

    def ready(self) -> None:
        from .factors import load_registry

        load_registry()  # a bad factor file fails loudly at start-up, not on the first footprint
