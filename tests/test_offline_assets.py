"""What a page loads comes from Seamline itself (issue #11): the API docs work offline, and the favicon
that every browser asks for exists."""

import re

from django.contrib.staticfiles import finders


def test_the_api_docs_load_swagger_ui_from_the_package_not_a_cdn(client):
    page = client.get("/api/v1/docs").content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert assets, page[:500]
    assert not [a for a in assets if a.startswith(("http:", "https:", "//"))], assets
    local = [a for a in assets if "swagger-ui" in a]
    assert local and all(finders.find(a.removeprefix("/static/")) for a in local), local


def test_favicon_ico_leads_to_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("seamline/favicon.svg")
    assert finders.find("seamline/favicon.svg")
    assert 'rel="icon"' in client.get("/login/").content.decode()
