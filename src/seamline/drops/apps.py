from django.apps import AppConfig

from seamline.core.periodic import periodic_add


class DropsConfig(AppConfig):
    name = "seamline.drops"
    label = "drops"

    def ready(self) -> None:
        from .sweep import drop_sweep

        # Every minute: close expired drops and void payment holds left without an order.
        periodic_add("drop sweep", drop_sweep.enqueue)
