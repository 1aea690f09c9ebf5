from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "seamline.planning"
    label = "planning"
