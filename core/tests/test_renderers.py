import pytest

PRINT_RENDERERS = (
    "from django.conf import settings; print(','.join(settings.REST_FRAMEWORK['DEFAULT_RENDERER_CLASSES']))"
)


@pytest.mark.parametrize(
    "debug, renderers",
    [
        ("false", "rest_framework.renderers.JSONRenderer"),
        ("true", "rest_framework.renderers.JSONRenderer,rest_framework.renderers.BrowsableAPIRenderer"),
    ],
)
def test_the_browsable_api_exists_only_with_debug_on(run_manage, debug, renderers):
    result = run_manage("shell", "--verbosity=0", "-c", PRINT_RENDERERS, DJANGO_DEBUG=debug)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == renderers


@pytest.mark.django_db
def test_a_browser_asking_for_html_gets_json_in_production(client_for, user):
    response = client_for(user).get("/api/auth/me/", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
