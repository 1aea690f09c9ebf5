from django.apps import AppConfig


class ProductionConfig(AppConfig):
    name = "seamline.production"
    label = "production"
