from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "seamline.catalog"
    label = "catalog"
