from django.apps import AppConfig


class DropsConfig(AppConfig):
    name = "seamline.drops"
    label = "drops"
