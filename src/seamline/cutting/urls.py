from django.urls import path

from . import views

app_name = "cutting"

urlpatterns = [
    path("styles/<int:style_pk>/patterns/new/", views.pattern_import_view, name="pattern_import"),
    path("patterns/<int:pk>/", views.pattern_detail, name="pattern_detail"),
    path("patterns/<int:pk>/review/", views.pattern_review_view, name="pattern_review"),
    path("patterns/<int:pk>/pattern.dxf", views.pattern_download, name="pattern_download"),
    path("orders/<int:order_pk>/cut-plans/new/", views.cut_plan_create_view, name="cut_plan_create"),
    path("cut-plans/<int:pk>/", views.cut_plan_detail, name="cut_plan_detail"),
    path("cut-plans/<int:pk>/progress/", views.cut_plan_progress, name="cut_plan_progress"),
    path("cut-plans/<int:pk>/cancel/", views.cut_plan_cancel_view, name="cut_plan_cancel"),
    path("cut-plans/<int:pk>/retry/", views.cut_plan_retry_view, name="cut_plan_retry"),
    path("cut-plans/<int:pk>/lay-sheets/", views.lay_sheets, name="lay_sheets"),
    path("markers/<int:pk>.<str:fmt>", views.marker_download, name="marker_download"),
    path("lays/<int:pk>/cut/", views.lay_cut_view, name="lay_cut"),
]
