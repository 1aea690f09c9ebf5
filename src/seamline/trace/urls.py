from django.urls import path

from . import epcis

app_name = "epcis"

urlpatterns = [
    path("capture", epcis.capture, name="capture"),
    path("capture/<int:pk>", epcis.capture_job, name="capture_job"),
    path("events", epcis.events, name="events"),
    path("events/<path:event_id>", epcis.event, name="event"),
    path("context/seamline.jsonld", epcis.context, name="context"),
]
