"""The live session's pages, under /fitting/ (see live_views.py): the fitting home, sessions, their board
(Server-Sent Events at sessions/<uid>/events), comments, change requests of a theme, and the lexicon."""

from django.urls import path

from . import live, live_views

urlpatterns = [
    path("", live_views.fitting_home, name="home"),
    path("sessions/new/", live_views.session_create_view, name="session_create"),
    path("sessions/<uuid:uid>/", live_views.session_detail, name="session_detail"),
    path("sessions/<uuid:uid>/events", live.session_events, name="session_events"),
    path("sessions/<uuid:uid>/board/", live_views.session_board_view, name="session_board"),
    path("sessions/<uuid:uid>/comments/", live_views.comment_add, name="comment_add"),
    path("sessions/<uuid:uid>/import/", live_views.comments_import, name="comments_import"),
    path("sessions/<uuid:uid>/end/", live_views.session_end_view, name="session_end"),
    path("sessions/<uuid:uid>/changes/", live_views.change_from_theme, name="change_from_theme"),
    path("lexicon/", live_views.lexicon_page, name="lexicon"),
    path("lexicon/remove/", live_views.lexicon_remove, name="lexicon_remove"),
]
