"""The server as the pod runs it: the ConfigMap's settings, probed and stopped as the kubelet does.

No cluster runs here; the kubelet's part is small enough to play: GET each
probe's path with its headers, then (after the preStop) SIGTERM and wait
for the exit within what is left of the grace period.
"""

import signal
import time
import urllib.error
import urllib.request

import pytest

from .test_kubernetes import API, CONFIG, POD_SPECS

# Timed: the probes' windows and the grace period (scripts/run-tests runs these alone).
pytestmark = [pytest.mark.server, pytest.mark.timing]

# What the kubelet sends without the probe's Host header: the pod's address.
POD_ADDRESS = "10.0.0.7:8000"


def get(base_url: str, path: str, headers: dict[str, str]) -> int:
    request = urllib.request.Request(f"{base_url}{path}", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object) -> None:
        return None


def probe(base_url: str, kind: str) -> int:
    action = API[kind]["httpGet"]
    return get(base_url, action["path"], {header["name"]: header["value"] for header in action["httpHeaders"]})


def test_the_probes_pass_and_sigterm_drains_within_the_grace_period(serve):
    # 127.0.0.1 too, only for the fixture's wait; SERVER_BIND on loopback, not every interface.
    settings = {**CONFIG, "DJANGO_ALLOWED_HOSTS": CONFIG["DJANGO_ALLOWED_HOSTS"] + ",127.0.0.1"}
    process, base_url = serve(**{**settings, "SERVER_BIND": "127.0.0.1:{port}"})
    readiness = API["readinessProbe"]
    _, pre_stop = API["lifecycle"]["preStop"]["exec"]["command"]
    left_after_pre_stop = POD_SPECS["deployment"]["terminationGracePeriodSeconds"] - float(pre_stop)

    assert [probe(base_url, kind) for kind in ("startupProbe", "livenessProbe", "readinessProbe")] == [200] * 3
    # Without the probes' Host, Django refuses the pod's address.
    assert get(base_url, "/health", {"Host": POD_ADDRESS}) == 400
    # The ConfigMap turns the HTTPS redirect on; the probes' paths are exempt from it.
    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as redirect:
        opener.open(urllib.request.Request(f"{base_url}/api/tasks/", headers={"Host": "api.example.com"}), timeout=5)
    assert redirect.value.code == 301

    process.send_signal(signal.SIGTERM)
    stopping = time.monotonic()
    while probe(base_url, "readinessProbe") != 503:
        assert time.monotonic() - stopping < readiness["periodSeconds"] * readiness["failureThreshold"]
        time.sleep(0.05)
    assert probe(base_url, "livenessProbe") == 200
    assert process.wait(timeout=left_after_pre_stop) == 0
    assert time.monotonic() - stopping >= float(CONFIG["SERVER_DRAIN_SECONDS"])
