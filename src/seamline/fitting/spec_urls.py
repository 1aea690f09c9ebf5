"""Spec sheets and samples (fitting/spec_views.py)."""

from django.urls import path

from . import spec_views as views

urlpatterns = [
    path("styles/", views.spec_style_list, name="spec_styles"),
    path("styles/<int:style_pk>/spec/", views.spec_sheet, name="spec_sheet"),
    path("styles/<int:style_pk>/spec.csv", views.spec_csv, name="spec_csv"),
    path("styles/<int:style_pk>/spec/<int:point_pk>/", views.pom_edit, name="pom_edit"),
    path("styles/<int:style_pk>/spec/<int:point_pk>/delete/", views.pom_delete_view, name="pom_delete"),
    path("styles/<int:style_pk>/samples/", views.sample_list_view, name="sample_list"),
    path("samples/<int:pk>/", views.sample_detail, name="sample_detail"),
    path("samples/<int:pk>/cut/", views.sample_cut_view, name="sample_cut"),
    path("samples/<int:pk>/photos/", views.sample_photo_upload, name="sample_photo_upload"),
    path("sample-photos/<int:pk>/", views.sample_photo, name="sample_photo"),
]
