from django.contrib import admin
from django.urls import include, path

from seamline.config.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("seamline.accounts.urls")),
    path("", include("seamline.core.urls")),
    path("", include("seamline.dashboard.urls")),
    path("facilities/", include("seamline.facilities.urls")),
    path("catalog/", include("seamline.catalog.urls")),
    path("production/", include("seamline.production.urls")),
    path("production/", include("seamline.floor.urls")),
    path("cutting/", include("seamline.cutting.urls")),
    path("epcis/", include("seamline.trace.urls")),
    path("trace/", include("seamline.lineage.urls")),
    path("footprint/", include("seamline.footprint.urls")),
    path("", include("seamline.passport.urls")),
    path("drops/", include("seamline.drops.urls_founder")),
    path("d/", include("seamline.drops.urls_public")),
    path("delivery/", include("seamline.delivery.urls")),
    path("fitting/", include("seamline.fitting.urls")),
    path("people/", include("seamline.people.urls")),
    path("planning/", include("seamline.planning.urls")),
    path("quality/", include("seamline.quality.urls")),
]
