from django.urls import path  # noqa: F401

app_name = "drops_public"
urlpatterns: list = []
