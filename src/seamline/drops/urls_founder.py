"""The founder's drop pages, under /drops/ (the public drop page is under /d/)."""

from django.urls import path

from . import views_founder as views

app_name = "drops_founder"

urlpatterns = [
    path("", views.drop_list, name="drop_list"),
    path("new/", views.drop_create_view, name="drop_create"),
    path("<slug:slug>/", views.drop_detail, name="drop_detail"),
    path("<slug:slug>/cashflow/", views.drop_cash_flow_view, name="drop_cashflow"),
    path("<slug:slug>/open/", views.drop_action, {"action": "open"}, name="drop_open"),
    path("<slug:slug>/close/", views.drop_action, {"action": "close"}, name="drop_close"),
    path("<slug:slug>/cancel/", views.drop_action, {"action": "cancel"}, name="drop_cancel"),
]
