"""The admin carries the project's name, from its very first page."""

import pytest

pytestmark = pytest.mark.usefixtures("static_files_without_manifest")


def test_the_login_page_is_titled_with_the_project_name(client, db):
    page = client.get("/admin/login/").content.decode()

    assert "<title>Log in | Todo API</title>" in page
    assert '<div id="site-name"><a href="/admin/">Todo API</a></div>' in page
    assert "Django administration" not in page
