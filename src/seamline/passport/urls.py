from django.urls import path, re_path

from . import views

app_name = "passport"

urlpatterns = [
    path("p/status/<slug:slug>", views.status_list, name="status_list"),
    re_path(r"^p/(?P<serial>PO-\d{5}-\d{4})\.json$", views.passport_json, name="json"),
    re_path(r"^p/(?P<serial>PO-\d{5}-\d{4})/verify$", views.passport_verify, name="verify"),
    re_path(r"^p/(?P<serial>PO-\d{5}-\d{4})/revoke$", views.passport_revoke_view, name="revoke"),
    re_path(r"^p/(?P<serial>[^/]+)$", views.passport_page, name="page"),
    path(".well-known/did.json", views.did_json, name="did"),
    path("p/contexts/<slug:name>.jsonld", views.context_file, name="context"),
    path("passport/orders/<int:pk>/hangtags.<str:fmt>", views.hangtags, name="hangtags"),
]
