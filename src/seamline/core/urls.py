from django.templatetags.static import static
from django.urls import path
from django.views.generic import RedirectView

urlpatterns = [
    # Browsers and feed readers ask for /favicon.ico whatever the page links: send them the SVG.
    path("favicon.ico", RedirectView.as_view(url=static("seamline/favicon.svg"), permanent=True)),
]
