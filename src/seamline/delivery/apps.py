from django.apps import AppConfig

from seamline.drops.panels import DROP_PANELS, PREORDER_PANELS


class DeliveryConfig(AppConfig):
    name = "seamline.delivery"
    label = "delivery"

    def ready(self) -> None:
        from .panels import drop_lead_time_panel, preorder_tracking_panel

        DROP_PANELS.add("lead time", drop_lead_time_panel, position=50)
        PREORDER_PANELS.add("tracking", preorder_tracking_panel, position=10)
