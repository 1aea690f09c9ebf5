"""Public pages of drops, mounted at /d/ (no login). `/d/<slug>/events` is served by the ASGI handler
(config/asgi.py), everything else the usual synchronous way."""

from django.urls import path

from . import live, views_public

app_name = "drops_public"
urlpatterns = [
    path("<slug:slug>/", views_public.drop_page, name="drop"),
    path("<slug:slug>/status.json", views_public.drop_status_json, name="status"),
    path("<slug:slug>/events", live.drop_events, name="events"),
    path("<slug:slug>/orders/<str:token>/", views_public.order_page, name="order"),
]
