from django.apps import AppConfig


class FittingConfig(AppConfig):
    name = "seamline.fitting"
    label = "fitting"
