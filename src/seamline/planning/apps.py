from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "seamline.planning"
    label = "planning"

    def ready(self) -> None:
        from . import line_views, report_views, schedule_views

        schedule_views.register_panels()  # the drop form's what-if, the order's schedule and reorder
        line_views.register_panels()  # the style's line balance, the order's and drop's "reorder"
        report_views.register_panels()  # each order's and drop's money paid to Los Angeles workers
