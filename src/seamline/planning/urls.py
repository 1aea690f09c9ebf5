"""Planning under /planning/: the schedule, its Gantt charts and what-ifs, line balances and reorders
(schedule_urls), and the local economy's reports (report_urls)."""

from django.urls import include, path

app_name = "planning"

urlpatterns = [
    path("", include("seamline.planning.schedule_urls")),
    path("", include("seamline.planning.report_urls")),
]
