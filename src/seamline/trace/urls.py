"""The EPCIS 2.0 REST resources under /epcis/ (epcis.py says what each answers); anything else there is
a problem-details 404."""

from django.urls import path, re_path

from . import checkpoint_views, epcis

app_name = "epcis"

_RESOURCES = "(?P<resource>eventTypes|epcs|bizSteps|bizLocations|readPoints|dispositions)"

urlpatterns = [
    path("", epcis.root, name="root"),
    path("capture", epcis.capture, name="capture"),
    path("capture/<int:pk>", epcis.capture_job, name="capture_job"),
    path("events", epcis.events, name="events"),
    path("events/<path:event_id>", epcis.event, name="event"),
    path("context/seamline.jsonld", epcis.context, name="context"),
    path("checkpoints/<slug:slug>.json", checkpoint_views.checkpoints, name="checkpoints"),
    path("queries", epcis.queries, name="queries"),
    path("queries/<str:name>", epcis.query, name="query"),
    path("queries/<str:name>/events", epcis.query_events, name="query_events"),
    path("queries/<str:name>/subscriptions", epcis.query_subscriptions, name="query_subscriptions"),
    path(
        "queries/<str:name>/subscriptions/<uuid:subscription_id>",
        epcis.subscription,
        name="subscription",
    ),
    re_path(rf"^{_RESOURCES}$", epcis.top_level),
    re_path(
        rf"^{_RESOURCES}/(?P<value>.+)/events$",
        epcis.top_level_events,
    ),
    re_path(
        rf"^{_RESOURCES}/(?P<value>.+)$",
        epcis.top_level_item,
    ),
    re_path(r"^(?P<rest>.*)$", epcis.not_found),
]
