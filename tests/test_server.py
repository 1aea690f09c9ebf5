"""The real server: `seamline serve --with-worker` (granian, ASGI) answers pages, the API and static files,
and runs background tasks in its worker process."""

import json
import time
import urllib.request


def _get(url: str, headers: dict | None = None) -> tuple[int, bytes, str]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read(), response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as err:
        return err.code, err.read(), err.headers.get("Content-Type", "")


def test_sign_in_through_the_real_server(server, brand):
    """A form POST (body read across the ASGI-to-WSGI bridge), CSRF, session cookie, redirect, dashboard."""
    import http.cookiejar
    import re
    import urllib.parse

    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from tests.factories import PASSWORD

    # The tests hash with MD5 for speed; the server process knows only the real hashers.
    brand.user.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    brand.user.save(update_fields=["password"])
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{server}/login/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": brand.user.username, "password": PASSWORD}
    ).encode()
    request = urllib.request.Request(f"{server}/login/", data=form, headers={"Referer": f"{server}/login/"})
    with opener.open(request, timeout=10) as response:  # follows the redirect to the dashboard
        assert response.status == 200 and response.url == f"{server}/"
        assert brand.org.name in response.read().decode()


def test_serve_answers_pages_api_and_static(server, brand):
    status, body, _ = _get(f"{server}/login/")
    assert status == 200 and b"Sign in" in body
    status, body, _ = _get(f"{server}/api/v1/me", {"Authorization": f"Bearer {brand.token}"})
    assert status == 200 and json.loads(body)["organization"]["name"] == brand.org.name
    status, body, kind = _get(f"{server}/api/v1/me", {"Authorization": "Bearer sl_wrong_key"})
    assert status == 401 and kind == "application/problem+json"
    status, body, kind = _get(f"{server}/static/seamline/seamline.css")
    assert status == 200 and kind.startswith("text/css")


def test_background_tasks_run_in_the_server_process(server, brand, factory):
    """Placing an order through the API enqueues the factory's e-mail; the in-process worker runs it."""
    from django_tasks_db.models import DBTaskResult

    from tests.factories import make_order

    order = make_order(brand.org, factory.org)
    request = urllib.request.Request(
        f"{server}/api/v1/production-orders/{order.pk}/transitions",
        data=json.dumps({"target": "planned"}).encode(),
        headers={"Authorization": f"Bearer {brand.token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert json.loads(response.read())["state"] == "planned"
    deadline = time.time() + 20
    while time.time() < deadline:
        statuses = list(DBTaskResult.objects.values_list("task_path", "status"))
        if statuses and statuses[0][1] in ("SUCCESSFUL", "FAILED"):
            break
        time.sleep(0.3)
    assert statuses == [("seamline.production.tasks.notify_order_placed", "SUCCESSFUL")]


def test_a_second_server_on_the_same_port_refuses_to_start(server_process):
    """Issue #13: granian binds with SO_REUSEPORT, so a second `seamline serve` used to start beside the
    first and split its traffic. It now exits at once with one line."""
    import subprocess
    import sys
    from urllib.parse import urlsplit

    port = urlsplit(server_process.url).port
    second = subprocess.run(
        [sys.executable, "-m", "seamline", "serve", "--port", str(port)],
        capture_output=True,
        text=True,
        timeout=30,  # without the check the second server would run until killed here
    )
    assert second.returncode == 2
    assert second.stderr == f"seamline: port {port} is in use (another Seamline?); use --port N\n"
    assert server_process.process.poll() is None  # the first one keeps serving
    assert _get(f"{server_process.url}/login/")[0] == 200
