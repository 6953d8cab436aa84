"""Two people use the example Next.js app in Chromium; its browser code calls the API directly."""

import datetime
import itertools
import json
import subprocess

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

pytestmark = [pytest.mark.browser, pytest.mark.server]

PASSWORD = "correct horse battery staple"
_people = itertools.count(1)

# Runs in the page: a Better Auth token from this origin's session (unless one
# is given), then one cross-origin call to the API with it (optionally claiming
# another user id).
CALL_API = """
const [apiUrl, method, path, token, claimSub, body, done] = arguments;
(async () => {
  let bearer = token ?? (await fetch("/api/auth/token").then((r) => r.json())).token;
  if (claimSub) {
    const [header, payload, signature] = bearer.split(".");
    const claims = JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/")));
    claims.sub = claims.id = claimSub;
    const forged = btoa(JSON.stringify(claims)).replace(/\\+/g, "-").replace(/\\//g, "_").replace(/=+$/, "");
    bearer = `${header}.${forged}.${signature}`;
  }
  const headers = { Authorization: `Bearer ${bearer}`, "X-Request-ID": "example-e2e-42" };
  if (body) headers["Content-Type"] = "application/json";
  const response = await fetch(apiUrl + path, { method, headers, body: body && JSON.stringify(body) });
  done({
    status: response.status,
    body: await response.json().catch(() => null),
    requestId: response.headers.get("X-Request-ID"),
    challenge: response.headers.get("WWW-Authenticate"),
  });
})().catch((error) => done({ error: String(error) }));
"""


class Page:
    """The example app in one browser, driven as a person would."""

    def __init__(self, browser, stack):
        self.browser, self.stack = browser, stack
        self.wait = WebDriverWait(browser, 20, ignored_exceptions=(StaleElementReferenceException,))

    def open(self, path="/"):
        self.browser.get(self.stack.app_url + path)

    def sign_up(self, name):
        email = f"{name.lower()}.{next(_people)}@example.com"
        self._submit_credentials("Sign up", email, name)
        return email

    def sign_in(self, email, *, here=False):
        """From a fresh load of the sign-in page, or (here) from the one the tab shows, as after signing out."""
        self._submit_credentials("Sign in", email, here=here)

    def _submit_credentials(self, button, email, name="", here=False):
        if here:
            self.wait.until(EC.url_to_be(f"{self.stack.app_url}/"))
        else:
            self.open("/")
        form = self.wait.until(EC.presence_of_element_located((By.TAG_NAME, "form")))
        form.find_element(By.NAME, "name").send_keys(name)
        form.find_element(By.NAME, "email").send_keys(email)
        form.find_element(By.NAME, "password").send_keys(PASSWORD)
        form.find_element(By.XPATH, f".//button[text()='{button}']").click()
        self.wait.until(EC.url_to_be(f"{self.stack.app_url}/tasks"))
        self.wait_for_tasks()

    def sign_out(self):
        self.browser.find_element(By.XPATH, "//button[text()='Sign out']").click()
        self.wait.until(EC.url_to_be(f"{self.stack.app_url}/"))

    def open_account(self):
        """From the tasks page, through its link, as a person would."""
        self.browser.find_element(By.LINK_TEXT, "Account").click()
        self.wait.until(EC.presence_of_element_located((By.ID, "profile")))

    def profile(self):
        """{field: text} as the account page shows the API's profile."""
        return dict(
            self.browser.execute_script(
                "return [...document.querySelectorAll('#profile dd')].map((dd) => [dd.dataset.field, dd.textContent])"
            )
        )

    def rename_account(self, name):
        field = self.browser.find_element(By.NAME, "name")
        field.clear()
        field.send_keys(name)
        field.submit()
        self.wait.until(lambda _: self.profile()["name"] == name)

    def download_my_data(self, folder):
        """The account page's export as the browser saved it in `folder`, parsed."""
        self.browser.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)})
        self.browser.find_element(By.XPATH, "//button[text()='Download my data']").click()
        # Chromium writes a .crdownload first: the file has its name once it is complete.
        saved = folder / f"account-{self.user_id()}.json"
        self.wait.until(lambda _: saved.is_file())
        return json.loads(saved.read_text())

    def delete_account(self):
        self.open_account()
        self.browser.find_element(By.XPATH, "//button[text()='Delete my account']").click()
        self.wait.until(EC.alert_is_present()).accept()
        self.wait.until(EC.url_to_be(f"{self.stack.app_url}/"))

    def wait_for_tasks(self):
        self.wait.until(lambda _: self.browser.find_elements(By.CSS_SELECTOR, "#tasks, #no-tasks, [role=alert]"))
        alerts = self.browser.find_elements(By.CSS_SELECTOR, "[role=alert]")
        assert not alerts, alerts[0].text

    def tasks(self):
        """{title: completed} as the page shows them."""
        self.wait_for_tasks()
        # One script, so a re-render between two element lookups cannot go stale.
        return dict(
            self.browser.execute_script(
                "return [...document.querySelectorAll('#tasks li')].map("
                "(li) => [li.querySelector('.title')?.textContent, li.classList.contains('completed')])"
            )
        )

    def details(self):
        """{title: (priority, due date or None)} as the page shows them."""
        self.wait_for_tasks()
        return {
            title: tuple(shown)
            for title, shown in self.browser.execute_script(
                "return [...document.querySelectorAll('#tasks li')].map((li) => ["
                "li.querySelector('.title')?.textContent, ["
                "li.querySelector('.priority')?.textContent, "
                "li.querySelector('.due')?.getAttribute('datetime') ?? null]])"
            )
        }

    def summary(self):
        """The counts the page shows above the list, {name: count}."""
        return dict(
            self.browser.execute_script(
                "return [...document.querySelectorAll('#summary li')].map("
                "(li) => [li.dataset.count, Number(li.querySelector('strong').textContent)])"
            )
        )

    def today(self):
        """The browser's date where it is, YYYY-MM-DD."""
        return datetime.date.fromisoformat(self.browser.execute_script("return new Date().toLocaleDateString('en-CA')"))

    def _until_tasks(self, expected):
        self.wait.until(lambda _: self.tasks() == expected)

    def add(self, title):
        before = self.tasks()
        field = self.browser.find_element(By.NAME, "title")
        field.send_keys(title)
        field.submit()
        self._until_tasks({**before, title: False})

    def item(self, title):
        return self.browser.find_element(By.XPATH, f"//li[span[@class='title' and text()='{title}']]")

    def toggle(self, title):
        before = self.tasks()
        self.item(title).find_element(By.CSS_SELECTOR, "input[type=checkbox]").click()
        self._until_tasks({**before, title: not before[title]})

    def rename(self, title, new_title):
        before = self.tasks()
        item = self.item(title)
        item.find_element(By.XPATH, ".//button[text()='Edit']").click()
        field = item.find_element(By.CSS_SELECTOR, "form input[name=title]")
        field.clear()
        field.send_keys(new_title)
        field.submit()
        expected = {(new_title if key == title else key): done for key, done in before.items()}
        self._until_tasks(expected)

    def edit(self, title, *, priority=None, due_date=None):
        """Sets what is given through the task's Edit form (a due_date of "" clears it) and saves."""
        before = self.details()
        item = self.item(title)
        item.find_element(By.XPATH, ".//button[text()='Edit']").click()
        form = item.find_element(By.TAG_NAME, "form")
        if priority is not None:
            Select(form.find_element(By.NAME, "priority")).select_by_value(priority)
        if due_date is not None:
            # What typing into a date field means depends on the browser's locale; its value does not.
            self.browser.execute_script(
                "arguments[0].value = arguments[1]", form.find_element(By.NAME, "due_date"), due_date
            )
        form.find_element(By.XPATH, ".//button[text()='Save']").click()
        old_priority, old_due = before[title]
        expected = (priority or old_priority, old_due if due_date is None else (due_date or None))
        self.wait.until(lambda _: self.details()[title] == expected)

    def delete(self, title):
        before = self.tasks()
        self.item(title).find_element(By.XPATH, ".//button[text()='Delete']").click()
        self._until_tasks({key: done for key, done in before.items() if key != title})

    def task_id(self, title):
        return self.item(title).get_attribute("data-task-id")

    def user_id(self):
        return self.browser.find_element(By.TAG_NAME, "main").get_attribute("data-user-id")

    def fetch_own(self, path):
        """A same-origin GET from the page, as (status, JSON body)."""
        return self.browser.execute_async_script(
            "const done = arguments[1];fetch(arguments[0]).then(async (r) => done([r.status, await r.json()]));",
            path,
        )

    def token(self):
        """A Better Auth token of the page's session, fetched as the page's API client does."""
        status, body = self.fetch_own("/api/auth/token")
        assert status == 200, body
        return body["token"]

    def open_api_keys(self):
        """From the tasks page, through its link, as a person would."""
        self.browser.find_element(By.LINK_TEXT, "API keys").click()
        self.wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#keys, #no-keys")))

    def create_api_key(self, name, *, write=False):
        """The key the page shows once, after creating it with `tasks:read` (and `tasks:write`)."""
        form = self.browser.find_element(By.ID, "create-key")
        form.find_element(By.NAME, "name").send_keys(name)
        if write:
            form.find_element(By.CSS_SELECTOR, "input[value='tasks:write']").click()
        form.find_element(By.XPATH, ".//button[text()='Create key']").click()
        shown = self.wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#new-key [data-field=key]")))
        return shown.text

    def api_keys(self):
        """{name: (prefix, scopes)} as the page lists them."""
        self.wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#keys, #no-keys")))
        return {
            name: (prefix, scopes)
            for name, prefix, scopes in self.browser.execute_script(
                "return [...document.querySelectorAll('#keys li')].map((li) => ['name', 'prefix', 'scopes']"
                ".map((field) => li.querySelector(`[data-field=${field}]`).textContent))"
            )
        }

    def revoke_api_key(self, name):
        item = self.browser.find_element(By.XPATH, f"//li[strong[@data-field='name' and text()='{name}']]")
        item.find_element(By.XPATH, ".//button[text()='Revoke']").click()
        self.wait.until(EC.alert_is_present()).accept()
        self.wait.until(lambda _: name not in self.api_keys())

    def call_api(self, method, path, token=None, claim_sub=None, body=None):
        self.browser.set_script_timeout(20)
        result = self.browser.execute_async_script(CALL_API, self.stack.api_url, method, path, token, claim_sub, body)
        assert "error" not in result, f"{result['error']}\n{self.stack.output()}"
        return result


@pytest.fixture
def page(browser, stack):
    page = Page(browser, stack)
    yield page
    # Shown only when the test fails: what the servers said.
    print(stack.output())
    print(json.dumps(browser.get_log("browser"), indent=1)[-3000:])


def test_a_person_creates_edits_completes_and_deletes_tasks_which_survive_a_reload(page):
    page.sign_up("Ada")
    assert page.tasks() == {}

    page.add("Buy milk")
    page.add("Write report")
    page.add("Throw away")
    page.rename("Write report", "Write the report")
    page.toggle("Buy milk")
    page.delete("Throw away")
    page.browser.refresh()

    assert page.tasks() == {"Buy milk": True, "Write the report": False}


def test_a_task_changed_in_another_tab_is_not_overwritten_and_the_page_says_so(page):
    page.sign_up("Ada")
    page.add("Draft")
    # The add went with an Idempotency-Key of its own (the typed client sends one with every write).
    assert page.stack.api_idempotency_keys(page.user_id()) == 1
    other_tab = page.call_api("PATCH", f"/api/tasks/{page.task_id('Draft')}/", body={"title": "From the other tab"})
    assert other_tab["status"] == 200

    item = page.item("Draft")
    item.find_element(By.XPATH, ".//button[text()='Edit']").click()
    field = item.find_element(By.CSS_SELECTOR, "form input[name=title]")
    field.clear()
    field.send_keys("From this tab")
    field.submit()

    alert = page.wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "[role=alert]")))
    assert alert.text.startswith("precondition_failed:")
    shown = "return [...document.querySelectorAll('#tasks .title')].map((title) => title.textContent)"
    page.wait.until(lambda _: page.browser.execute_script(shown) == ["From the other tab"])


def test_the_apps_server_calls_the_api_for_whoever_is_signed_in(page):
    email = page.sign_up("Grace")

    status, me = page.fetch_own("/api/me")
    assert (status, me["email"]) == (200, email)

    page.sign_out()
    assert page.fetch_own("/api/me")[0] == 401


def test_two_people_see_only_their_own_tasks(page):
    ada = page.sign_up("Ada")
    page.add("Ada secret plan")
    ada_id, ada_task = page.user_id(), page.task_id("Ada secret plan")
    page.sign_out()

    page.sign_up("Bob")
    assert page.tasks() == {}
    page.add("Bob errand")
    assert page.call_api("GET", f"/api/tasks/{ada_task}/")["status"] == 404
    assert page.call_api("DELETE", f"/api/tasks/{ada_task}/")["status"] == 404
    forbidden = page.call_api("GET", f"/api/{ada_id}/tasks/")
    assert (forbidden["status"], forbidden["body"]["code"]) == (403, "forbidden_user")
    page.sign_out()

    page.sign_in(ada)
    assert page.tasks() == {"Ada secret plan": False}


def test_a_token_claiming_another_person_is_refused_and_the_page_reads_the_api_headers(page):
    page.sign_up("Ada")
    ada_id = page.user_id()
    page.sign_out()
    page.sign_up("Eve")

    forged = page.call_api("GET", "/api/tasks/", claim_sub=ada_id)

    assert (forged["status"], forged["body"]["code"]) == (401, "token_not_valid")
    # Readable cross-origin only because the API allows and exposes them.
    assert forged["requestId"] == "example-e2e-42"
    assert forged["challenge"].startswith("Bearer")
    assert page.call_api("GET", "/api/tasks/")["status"] == 200


def test_signing_out_and_back_in_in_the_same_tab_lands_on_the_tasks_page_every_time(page):
    email = page.sign_up("Ada")
    page.add("Still here")
    # A full page load would drop this, so the test knows the tab never reloaded.
    page.browser.execute_script("window.sameDocument = true")

    for _ in range(3):
        page.sign_out()
        page.sign_in(email, here=True)
        assert page.tasks() == {"Still here": False}

    assert page.browser.current_url == f"{page.stack.app_url}/tasks"
    assert page.browser.execute_script("return window.sameDocument") is True


def test_signing_out_makes_the_pages_earlier_token_fail_on_the_api_at_once(page):
    page.sign_up("Ada")
    token = page.token()
    assert page.call_api("GET", "/api/tasks/", token=token)["status"] == 200

    page.sign_out()

    ended = page.call_api("GET", "/api/tasks/", token=token)
    assert (ended["status"], ended["body"]["code"]) == (401, "token_not_valid")
    assert ended["body"]["detail"] == "Token's session has ended"


def test_a_task_gets_a_priority_and_a_due_date_and_the_counts_follow_the_browsers_own_day(page):
    # A zone whose date differs from UTC's right now: counting in UTC would put
    # the task due "today" on another day (UTC+14 from 11:00 UTC, UTC-11 before).
    zone = "Pacific/Kiritimati" if datetime.datetime.now(datetime.UTC).hour >= 11 else "Pacific/Pago_Pago"
    page.browser.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": zone})
    page.sign_up("Ada")
    today = page.today()
    assert today.isoformat() != page.browser.execute_script("return new Date().toISOString().slice(0, 10)")
    for title in ["Pay rent", "Old chore", "Call mom", "Someday"]:
        page.add(title)

    page.edit("Pay rent", priority="high", due_date=today.isoformat())
    page.edit("Old chore", priority="low", due_date=(today - datetime.timedelta(days=1)).isoformat())
    page.edit("Someday", due_date=(today + datetime.timedelta(days=30)).isoformat())
    page.edit("Someday", due_date="")
    page.toggle("Call mom")

    assert page.summary() == {"open": 3, "overdue": 1, "due_today": 1, "completed": 1}
    page.browser.refresh()
    assert page.details() == {
        "Pay rent": ("high", today.isoformat()),
        "Old chore": ("low", (today - datetime.timedelta(days=1)).isoformat()),
        "Call mom": ("medium", None),
        "Someday": ("medium", None),
    }


def test_the_account_page_shows_the_apis_profile_and_saves_a_new_name(page):
    email = page.sign_up("Ada")
    page.open_account()
    assert page.profile()["email"] == email
    assert page.profile()["name"] == "Ada"

    page.rename_account("Ada Lovelace")
    page.browser.refresh()
    page.wait.until(EC.presence_of_element_located((By.ID, "profile")))

    assert page.profile()["name"] == "Ada Lovelace"
    me = page.call_api("GET", "/api/auth/me/")
    assert (me["status"], me["body"]["name"]) == (200, "Ada Lovelace")


def test_downloading_my_data_saves_a_file_holding_my_tasks(page, tmp_path):
    page.sign_up("Ada")
    page.add("Buy milk")
    page.add("Write report")
    page.toggle("Buy milk")
    page.open_account()

    export = page.download_my_data(tmp_path)

    assert export["profile"]["id"] == page.user_id()
    assert {task["title"]: task["completed"] for task in export["tasks"]} == {"Buy milk": True, "Write report": False}


def test_deleting_the_account_from_the_account_page_erases_the_person_and_their_tasks_on_the_api(page):
    page.sign_up("Ada")
    page.add("Private plans")
    user_id, token = page.user_id(), page.token()
    assert (page.stack.api_user_is_active(user_id), page.stack.api_task_count(user_id)) == (True, 1)

    page.delete_account()

    assert (page.stack.api_user_is_active(user_id), page.stack.api_task_count(user_id)) == (None, 0)
    refused = page.call_api("GET", "/api/tasks/", token=token)
    assert (refused["status"], refused["body"]["code"]) == (401, "token_not_valid")


def curl(method, url, key, body=None):
    """What a script does with a key: curl, outside the browser. Answers (status, parsed body)."""
    command = ["curl", "-sS", "-X", method, "-H", f"Authorization: Bearer {key}", "-w", "\n%{http_code}"]
    if body is not None:
        command += ["-H", "Content-Type: application/json", "--data", json.dumps(body)]
    output = subprocess.run([*command, url], capture_output=True, text=True, timeout=30, check=True).stdout
    text, _newline, status = output.rpartition("\n")
    return int(status), json.loads(text) if text else None


def test_a_key_created_in_the_page_lists_the_persons_tasks_with_curl_until_it_is_revoked(page):
    page.sign_up("Ada")
    page.add("Back up the photos")
    page.open_api_keys()

    key = page.create_api_key("nightly backup")

    assert key.startswith("tdk_")
    assert page.api_keys() == {"nightly backup": (f"{key[:12]}…", "tasks:read")}
    page.browser.find_element(By.XPATH, "//button[text()='Done']").click()
    assert key not in page.browser.page_source
    status, body = curl("GET", f"{page.stack.api_url}/api/tasks/", key)
    assert (status, [task["title"] for task in body["results"]]) == (200, ["Back up the photos"])
    # Read-only: no writes, and never the account endpoints.
    assert curl("POST", f"{page.stack.api_url}/api/tasks/", key, {"title": "x"})[1]["code"] == "api_key_scope_missing"
    assert curl("GET", f"{page.stack.api_url}/api/auth/me/", key)[1]["code"] == "api_key_not_accepted"

    page.revoke_api_key("nightly backup")

    status, body = curl("GET", f"{page.stack.api_url}/api/tasks/", key)
    assert (status, body["code"]) == (401, "api_key_not_valid")
