from django.apps import AppConfig

from seamline.core.periodic import periodic_add


class TraceConfig(AppConfig):
    name = "seamline.trace"
    label = "trace"

    def ready(self) -> None:
        from .subscriptions import subscriptions_run_task

        # Every tick: subscriptions get the events recorded outside /epcis/capture, and retries fall due.
        periodic_add("epcis subscriptions", subscriptions_run_task.enqueue)
