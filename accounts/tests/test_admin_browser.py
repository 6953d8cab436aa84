"""In a real browser, support staff log someone out everywhere, and the admin keeps everyone else out."""

import pytest
import requests
from django.contrib.auth.models import Permission
from drf_better_auth.tokens import AccessToken

from .factories import UserFactory

PASSWORD = "correct horse battery staple 42"


@pytest.fixture
def admin_over_plain_http(settings, plain_http_live_server):
    # The live server speaks plain HTTP; with DEBUG off the session and CSRF
    # cookies are HTTPS-only and the browser would drop them.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    return plain_http_live_server.url


def page_shows(browser, by, selector, timeout=20):
    """The element, once the page a click or submit started has loaded it."""
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(browser, timeout).until(expected_conditions.presence_of_element_located((by, selector)))


def log_in(browser, base_url, email):
    from selenium.webdriver.common.by import By

    browser.get(f"{base_url}/admin/login/?next=/admin/")
    browser.find_element(By.ID, "id_username").send_keys(email)
    browser.find_element(By.ID, "id_password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "input[type=submit]").click()


# The server comes first so that it outlives the browser and its open connections.
def test_support_finds_a_person_and_revokes_their_tokens_which_are_then_refused(admin_over_plain_http, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    base_url = admin_over_plain_http
    support = UserFactory(email="support@example.com", password=PASSWORD, is_staff=True)
    # Just what this job takes, granted directly: live-server tests empty the
    # database after each one, the migrations' Support group included.
    support.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="accounts", codename__in=["view_user", "revoke_user_tokens"])
    )
    person = UserFactory(email="lost.phone@example.com")
    UserFactory(email="someone.else@example.com")
    token = str(AccessToken.for_user(person))
    me = f"{base_url}/api/auth/me/"
    assert requests.get(me, headers={"Authorization": f"Bearer {token}"}, timeout=10).status_code == 200

    log_in(browser, base_url, support.email)
    page_shows(browser, By.LINK_TEXT, "Users").click()
    page_shows(browser, By.ID, "searchbar").send_keys("lost.phone@example.com\n")
    # Only the results page shows the query in its search box; the list before it has rows too.
    page_shows(browser, By.CSS_SELECTOR, "#changelist-search input[value='lost.phone@example.com']")
    rows = browser.find_elements(By.CSS_SELECTOR, "#result_list tbody tr")
    assert [row.find_element(By.CSS_SELECTOR, "th").text for row in rows] == [person.email]
    rows[0].find_element(By.NAME, "_selected_action").click()
    Select(browser.find_element(By.NAME, "action")).select_by_visible_text("Revoke all tokens (log out everywhere)")
    browser.find_element(By.NAME, "index").click()

    assert page_shows(browser, By.CSS_SELECTOR, ".messagelist .success").text == "Revoked every token of 1 user."
    refused = requests.get(me, headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert refused.status_code == 401
    assert refused.json()["detail"] == "Token has been revoked"


def test_a_person_who_is_not_staff_is_turned_away_at_the_admin_login(admin_over_plain_http, browser):
    from selenium.webdriver.common.by import By

    UserFactory(email="member@example.com", password=PASSWORD)

    log_in(browser, admin_over_plain_http, "member@example.com")

    assert (
        "correct email address and password for a staff account"
        in page_shows(browser, By.CSS_SELECTOR, ".errornote").text
    )
    assert browser.current_url.startswith(f"{admin_over_plain_http}/admin/login/")
