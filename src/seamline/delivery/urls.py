"""Delivery pages, mounted at /delivery/: the dispatcher's and the courier's (signed in), and the customer's
tracking page (public, behind the pre-order's private token)."""

from django.urls import path

from . import views

app_name = "delivery"

urlpatterns = [
    path("", views.dispatch, name="dispatch"),
    path("plans/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/progress/", views.plan_progress, name="plan_progress"),
    path("stops/<int:pk>/photo/", views.stop_photo, name="stop_photo"),
    path("courier/", views.courier_page, name="courier"),
    path("courier/stops/<int:pk>/picked-up/", views.stop_pick_up, name="stop_pick_up"),
    path("courier/stops/<int:pk>/delivered/", views.stop_deliver, name="stop_deliver"),
    path("courier/stops/<int:pk>/not-delivered/", views.stop_fail, name="stop_fail"),
    path("courier/routes/<int:pk>/depart/", views.route_depart, name="route_depart"),
    path("track/<str:token>/", views.tracking, name="tracking"),
    path("track/<str:token>/photo/", views.tracking_photo, name="tracking_photo"),
]
