from django.urls import path

from . import views

app_name = "trace"

urlpatterns = [
    path("garments/<uuid:uid>/", views.garment_detail, name="garment_detail"),
    path("orders/<int:pk>/epcis.jsonld", views.order_export, name="order_export"),
]
