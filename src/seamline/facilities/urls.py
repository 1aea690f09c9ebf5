from django.urls import path

from . import views

app_name = "facilities"

urlpatterns = [
    path("", views.facility_list_view, name="list"),
    path("new/", views.facility_create_view, name="create"),
    path("<int:pk>/", views.facility_detail, name="detail"),
    path("<int:pk>/edit/", views.facility_edit, name="edit"),
]
