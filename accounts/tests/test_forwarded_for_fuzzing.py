"""Whatever X-Forwarded-For says, /api/token/ answers 2xx or 4xx with the API's JSON body: never a 5xx.

Property-based: hypothesis generates the header from addresses, things that
look like addresses, and any latin-1 text (what a WSGI server can hand us),
long ones included, behind 0 to 3 trusted proxies.
"""

import logging

import pytest
from django.test import override_settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from .factories import UserFactory

pytestmark = pytest.mark.django_db

FUZZ = hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
PASSWORD = "correct horse battery staple 42"

latin1_text = st.text(alphabet=st.characters(min_codepoint=0x00, max_codepoint=0xFF))
address_like = st.sampled_from(
    ["::ffff:192.0.2.1", "fe80::1%eth0", "[2001:db8::1]", "192.0.2.1:8080", "01.2.3.4", "unknown", "", " ", "0.0.0.0"]
)
entries = st.ip_addresses().map(str) | address_like | latin1_text
forwarded_for = (
    st.lists(entries, max_size=6).map(",".join)
    | st.lists(entries, max_size=6).map(", ".join)
    | st.text(alphabet=st.characters(min_codepoint=0x00, max_codepoint=0xFF), min_size=256, max_size=5000)
)


@pytest.fixture
def no_tracebacks(caplog):
    caplog.set_level(logging.INFO)
    yield
    assert not [record for record in caplog.records if record.exc_info or record.levelno >= logging.ERROR]


@pytest.fixture
def ada(db):
    return UserFactory(email="ada@example.com", password=PASSWORD)


@FUZZ
@given(
    header=forwarded_for,
    num_proxies=st.integers(min_value=0, max_value=3),
    password=st.sampled_from([PASSWORD, "a wrong guess"]),
)
def test_any_x_forwarded_for_gets_a_2xx_or_4xx_with_a_json_body(
    api_client, ada, no_tracebacks, settings, header, num_proxies, password
):
    with override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "NUM_PROXIES": num_proxies}):
        response = api_client.post(
            "/api/token/",
            {"email": "ada@example.com", "password": password},
            format="json",
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=header,
        )

    assert response.status_code in (200, 401, 429), response.content
    body = response.json()
    if response.status_code == 200:
        assert set(body) == {"access", "refresh"}
    else:
        assert body["code"] in {"no_active_account", "throttled", "sign_in_locked"}
