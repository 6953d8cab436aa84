"""A request for a host the API does not serve is one WARNING line and a JSON 400, never an ERROR with a traceback."""

import pytest


@pytest.mark.django_db
def test_a_disallowed_host_is_answered_400_in_json_and_logged_as_one_warning(client, log_lines):
    response = client.get("/api/tasks/", HTTP_HOST="attacker.example")

    assert response.status_code == 400
    assert response.json() == {"detail": "Bad request.", "code": "bad_request"}
    problems = [line for line in log_lines() if line["level"] not in ("DEBUG", "INFO")]
    assert [(line["level"], line["logger"]) for line in problems] == [("WARNING", "django.security.DisallowedHost")]
    assert "attacker.example" in problems[0]["message"]
    assert "exception" not in problems[0]
    assert "Traceback" not in log_lines.raw()
