from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "seamline.quality"
    label = "quality"
