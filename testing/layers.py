"""The suite's layers: a test that starts a process, drives Chromium, talks to Better Auth or runs podman says so.

The markers come from the fixtures a test uses, so no test can serve the API
over real HTTP or run `manage.py` in a child process without carrying
`server`; `make test-fast` deselects the four and keeps what runs in the
test's own process through Django's test client. A test that starts a
process without these fixtures (`make serve`, nginx) carries its marker by
hand.
"""

import pytest

# Each marker, and the fixtures that bring it: a test using one (directly or
# through another fixture) gets the marker.
LAYERS = {
    "server": {"start_server", "serve", "replicas", "run_manage", "plain_http_live_server"},
    "browser": {"browser", "chromium_installed"},
    "interop": {"better_auth", "better_auth_database", "better_auth_reporting_to", "better_auth_people"},
    "container": {"container_image"},
}


# Before pytest's own hook, which deselects by marker (`-m`).
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    from django.conf import settings

    on_postgresql = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    skip = pytest.mark.skip(reason="needs PostgreSQL: run with DATABASE_URL=postgres://... (make test does)")
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        for marker, brought_by in LAYERS.items():
            if fixtures & brought_by and item.get_closest_marker(marker) is None:
                item.add_marker(marker)
        if not on_postgresql and item.get_closest_marker("postgres_only"):
            item.add_marker(skip)
