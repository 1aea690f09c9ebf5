from django.urls import path

from . import views

app_name = "production"

urlpatterns = [
    path("orders/", views.order_list_view, name="order_list"),
    path("orders/new/", views.order_create_view, name="order_create"),
    path("orders/<int:pk>/", views.order_detail, name="order_detail"),
    path("orders/<int:pk>/transition/", views.order_transition, name="order_transition"),
]
