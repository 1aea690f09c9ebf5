"""Planning under /planning/: the schedule, its Gantt charts and what-ifs
(schedule_urls), line balances and
reorders (line_urls), and the local economy's reports (report_urls)."""

from django.urls import include, path

app_name = "planning"

urlpatterns = [
    path("", include("seamline.planning.schedule_urls")),
    path("", include("seamline.planning.line_urls")),
    path("", include("seamline.planning.report_urls")),
]
