"""Fit sessions' pages: the live session and its board (live_urls), the spec sheet and samples (spec_urls),
the pattern room's change requests (change_urls)."""

from django.urls import include, path

app_name = "fitting"

urlpatterns = [
    path("", include("seamline.fitting.live_urls")),
    path("", include("seamline.fitting.spec_urls")),
    path("", include("seamline.fitting.change_urls")),
]
