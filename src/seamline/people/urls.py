"""The floor's people under /people/: workers, skills, apprenticeships and reports (worker_urls), bundle
tickets and the operators' scans (scan_urls)."""

from django.urls import include, path

app_name = "people"

urlpatterns = [
    path("", include("seamline.people.worker_urls")),
    path("", include("seamline.people.scan_urls")),
]
