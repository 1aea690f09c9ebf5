from django.urls import path

from . import views

app_name = "floor"

urlpatterns = [
    path("orders/<int:pk>/floor/<slug:action>/", views.floor_action, name="action"),
]
