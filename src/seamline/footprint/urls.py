from django.urls import path

from . import views

app_name = "footprint"

urlpatterns = [
    path("orders/<int:pk>/", views.order_footprint, name="order"),
    path("orders/<int:pk>/publish/", views.order_footprint_publish, name="publish"),
    path("orders/<int:pk>/lines.csv", views.order_footprint_csv, name="csv"),
    path("orders/<int:pk>/pact.json", views.order_footprint_pact, name="pact"),
    path("garments/<uuid:uid>/", views.garment_footprint, name="garment"),
    path("factors/<str:version>/<str:factor_id>/", views.factor_detail, name="factor"),
]
