from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "seamline.quality"
    label = "quality"

    def ready(self) -> None:
        from . import views

        views.register_panels()  # the order page's inspections
