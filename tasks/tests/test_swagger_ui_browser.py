"""Swagger UI renders the task API in Debian's headless Chromium, using nothing but this server."""

import json
from urllib.parse import urlsplit

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
# Schemes that never touch the network.
LOCAL_SCHEMES = {"data", "blob", "about", "chrome", "devtools"}


def requested_urls(driver):
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


# The server comes first so that it outlives the browser and its open connections.
def test_swagger_ui_renders_the_task_operations_without_leaving_the_machine(plain_http_live_server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(f"{plain_http_live_server.url}/api/docs/")
    WebDriverWait(browser, 30).until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, ".opblock")))

    summaries = browser.find_elements(By.CSS_SELECTOR, ".opblock-summary-path")
    paths = {summary.get_attribute("data-path") for summary in summaries}
    assert {"/api/tasks/", "/api/tasks/{id}/", "/api/{user_id}/tasks/{id}/complete/"} <= paths
    urls = requested_urls(browser)
    assert any(url.endswith("/api/schema/") for url in urls), urls
    outside = [
        url
        for url in urls
        if urlsplit(url).scheme not in LOCAL_SCHEMES and urlsplit(url).hostname not in LOOPBACK_HOSTS
    ]
    assert outside == []
