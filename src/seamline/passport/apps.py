from django.apps import AppConfig

from seamline.floor.hooks import garments_packed
from seamline.production.panels import ORDER_PANELS


class PassportConfig(AppConfig):
    name = "seamline.passport"
    label = "passport"

    def ready(self) -> None:
        from .tasks import issue_after_packing
        from .views import order_passports_panel

        garments_packed.add("issue passports", issue_after_packing)
        ORDER_PANELS.add("passports", order_passports_panel, position=40)
