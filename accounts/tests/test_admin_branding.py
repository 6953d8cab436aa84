"""The admin carries the project's name, from its very first page."""

import pytest

pytestmark = pytest.mark.usefixtures("static_files_without_manifest")


def test_the_login_page_is_titled_with_the_project_name(client, db):
    page = client.get("/admin/login/").content.decode()

    assert "<title>Log in | Todo API</title>" in page
    assert '<div id="site-name"><a href="/admin/">Todo API</a></div>' in page
    assert "Django administration" not in page


def test_view_site_leads_to_the_api_documentation(support_client):
    index = support_client.get("/admin/").content.decode()

    assert 'href="/api/docs/"' in index
    assert support_client.get("/api/docs/").status_code == 200
