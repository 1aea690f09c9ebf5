from django.apps import AppConfig


class TraceConfig(AppConfig):
    name = "seamline.trace"
    label = "trace"
