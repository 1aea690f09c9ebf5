from django.apps import AppConfig


class CuttingConfig(AppConfig):
    name = "seamline.cutting"
    label = "cutting"

    def ready(self) -> None:
        from seamline.production.services import transition_guard_add

        from .selectors import uncut_blocker

        # The order's breakdown is cut before the order moves on to sewing.
        transition_guard_add(source="cutting", target="sewing", guard=uncut_blocker)
