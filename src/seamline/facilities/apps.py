from django.apps import AppConfig


class FacilitiesConfig(AppConfig):
    name = "seamline.facilities"
    label = "facilities"
