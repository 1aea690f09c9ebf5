from django.apps import AppConfig

from seamline.drops.panels import DROP_PUBLIC_PANELS


class FittingConfig(AppConfig):
    name = "seamline.fitting"
    label = "fitting"

    def ready(self) -> None:
        from .panels import drop_changes_panel

        DROP_PUBLIC_PANELS.add("changes from the comments", drop_changes_panel, position=10)
