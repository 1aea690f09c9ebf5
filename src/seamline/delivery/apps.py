from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "seamline.delivery"
    label = "delivery"
