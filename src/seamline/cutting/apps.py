from django.apps import AppConfig


class CuttingConfig(AppConfig):
    name = "seamline.cutting"
    label = "cutting"
