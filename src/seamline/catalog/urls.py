from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("materials/", views.material_list_view, name="material_list"),
    path("materials/new/", views.material_create_view, name="material_create"),
    path("materials/<int:pk>/", views.material_detail, name="material_detail"),
    path("rolls/", views.roll_list_view, name="roll_list"),
    path("rolls/receive/", views.roll_receive_view, name="roll_receive"),
    path("rolls/<int:pk>/", views.roll_detail, name="roll_detail"),
    path("styles/", views.style_list_view, name="style_list"),
    path("styles/new/", views.style_create_view, name="style_create"),
    path("styles/<int:pk>/", views.style_detail, name="style_detail"),
    path("styles/<int:pk>/bom/new/", views.bom_line_create, name="bom_line_create"),
    path("styles/<int:pk>/routing/", views.routing_edit, name="routing_edit"),
]
