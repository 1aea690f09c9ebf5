"""The pattern room's change requests: the queue, a request and its answers, the diff of two versions."""

from django.urls import path

from . import change_views as views

urlpatterns = [
    path("changes/", views.change_queue, name="change_queue"),
    path("changes/<uuid:uid>/", views.change_detail, name="change_detail"),
    path("changes/<uuid:uid>/alter/", views.change_alter, name="change_alter"),
    path("changes/<uuid:uid>/import/", views.change_import, name="change_import"),
    path("changes/<uuid:uid>/review/", views.change_review, name="change_review"),
    path("changes/<uuid:uid>/recut/", views.change_recut, name="change_recut"),
    path("patterns/<int:before>/diff/<int:after>/", views.pattern_diff, name="pattern_diff"),
]
