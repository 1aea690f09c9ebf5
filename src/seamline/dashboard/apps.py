from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "seamline.dashboard"
    label = "dashboard"
