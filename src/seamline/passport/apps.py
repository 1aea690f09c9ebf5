from django.apps import AppConfig


class PassportConfig(AppConfig):
    name = "seamline.passport"
    label = "passport"
