"""After collectstatic, the production server serves the admin's static files through whitenoise."""

import re
import urllib.request


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.headers, response.read().decode()


def test_the_admin_stylesheets_are_served_by_name_and_by_hashed_name(run_manage, serve):
    collected = run_manage("collectstatic", "--noinput", DJANGO_DEBUG="false")
    assert collected.returncode == 0, collected.stderr
    _, base_url = serve()

    status, headers, _ = fetch(f"{base_url}/static/admin/css/base.css")
    _, _, login_page = fetch(f"{base_url}/admin/login/")
    hashed = re.search(r'href="(/static/admin/css/base\.[0-9a-f]{12}\.css)"', login_page)
    hashed_status, hashed_headers, _ = fetch(f"{base_url}{hashed.group(1)}")

    assert status == 200
    assert headers["Content-Type"].startswith("text/css")
    assert hashed_status == 200
    # Hashed names never change content, so browsers may keep them for good.
    assert "immutable" in hashed_headers["Cache-Control"]
