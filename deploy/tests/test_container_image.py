"""The production image (`make image`) run as docker-compose.yml runs it: non-root, read-only, on PostgreSQL."""

import json
import re
from pathlib import Path

import pytest

from testing.better_auth import better_auth_token
from testing.containers import compose_services, podman
from testing.http import http

pytestmark = pytest.mark.postgres_only


def test_the_image_keeps_its_healthcheck_and_runs_as_app_by_default(container_image):
    (image,) = json.loads(podman("image", "inspect", container_image).stdout)

    # Podman's default (OCI) format would have dropped the HEALTHCHECK.
    assert image["Healthcheck"]["Test"] == ["CMD", "python", "-m", "server.healthcheck"]
    assert image["Config"]["User"] == "app"
    assert image["Config"]["Cmd"] == compose_services()["api-1"]["command"]


def test_the_hosts_certificates_were_only_lent_to_the_build(container_image):
    local = sorted(Path("/usr/local/share/ca-certificates").glob("*.crt"))
    if not local:
        pytest.skip("this host adds no certificate of its own")
    bundle = podman("run", "--rm", "--entrypoint", "cat", container_image, "/etc/ssl/certs/ca-certificates.crt").stdout

    for certificate in local:
        body = re.search(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----", certificate.read_text(), re.S)
        assert body and body.group(0) not in bundle, certificate.name


def test_migrations_ran_as_the_migrate_service_runs_them(served_image):
    assert "Applying accounts." in served_image.migrate_output
    check = podman("exec", served_image.container, "python", "manage.py", "migrate", "--check", check=False)
    assert check.returncode == 0, check.stdout + check.stderr


def test_it_runs_as_app_on_a_read_only_root_with_a_writable_tmp(served_image):
    assert podman("exec", served_image.container, "id", "-un").stdout.strip() == "app"
    refused = podman("exec", served_image.container, "touch", "/app/written", check=False)
    assert refused.returncode != 0 and "Read-only file system" in refused.stderr
    assert podman("exec", served_image.container, "touch", "/tmp/written", check=False).returncode == 0


def test_its_healthcheck_passes(served_image):
    result = podman("healthcheck", "run", served_image.container, check=False)

    assert result.returncode == 0, result.stdout + result.stderr
    (state,) = json.loads(podman("inspect", "--format", "{{json .State}}", served_image.container).stdout.join("[]"))
    assert state["Health"]["Status"] == "healthy"


def test_a_signed_in_request_and_a_task_round_trip(served_image):
    token = better_auth_token(served_image.secret)
    url = served_image.url

    assert http("GET", f"{url}/api/tasks/")[0] == 401
    assert http("GET", f"{url}/api/tasks/", token=better_auth_token("another-secret-" * 3))[0] == 401
    status, me = http("GET", f"{url}/api/auth/me/", token=token)
    assert status == 200, me
    status, task = http("POST", f"{url}/api/tasks/", token=token, body={"title": "from the image"})
    assert status == 201, task
    assert http("PATCH", f"{url}/api/tasks/{task['id']}/", token=token, body={"completed": True})[1]["completed"]
    assert http("GET", f"{url}/api/tasks/{task['id']}/", token=token)[1]["title"] == "from the image"
    assert http("DELETE", f"{url}/api/tasks/{task['id']}/", token=token)[0] == 204
    assert http("GET", f"{url}/api/tasks/{task['id']}/", token=token)[0] == 404
