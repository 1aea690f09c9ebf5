from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "seamline.core"
    label = "core"
