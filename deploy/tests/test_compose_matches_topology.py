"""docker-compose.yml (which cannot run here) and scripts/topology (which the fault tests run) start the same things.

Same services, same commands, same environment variable names; the nginx
template gets the same names from both.
"""

import re
import shlex

import pytest
import yaml

from deploy import topology
from testing.processes import PROJECT_ROOT

COMPOSE = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
DOCKERFILE = (PROJECT_ROOT / "Dockerfile").read_text()
TEMPLATE = topology.NGINX_TEMPLATE.read_text()
STATE = {"database_url": "postgres://", "ports": {name: 1 for name in ("redis", *topology.API_REPLICAS, "proxy")}}


def test_the_compose_file_has_the_topologys_services_and_the_migrate_job():
    assert set(SERVICES) == {*topology.SERVICES, "migrate"}


@pytest.mark.parametrize(
    "service, command",
    [
        ("migrate", topology.MIGRATE_COMMAND),
        ("api-1", topology.API_COMMAND),
        ("api-2", topology.API_COMMAND),
        ("redis", topology.REDIS_COMMAND),
        ("proxy", topology.PROXY_COMMAND),
    ],
)
def test_each_service_runs_the_command_the_script_runs(service, command):
    assert SERVICES[service]["command"] == command


def test_the_image_serves_and_collects_static_files_with_the_scripts_commands():
    cmd = re.search(r"^CMD (\[.*\])$", DOCKERFILE, re.MULTILINE).group(1)
    assert yaml.safe_load(cmd) == topology.API_COMMAND
    assert f"RUN {shlex.join(topology.COLLECTSTATIC_COMMAND)}" in DOCKERFILE


def test_the_migrate_job_and_the_replicas_get_the_scripts_environment_names():
    assert set(SERVICES["migrate"]["environment"]) == set(topology.app_environment(STATE))
    for replica in topology.API_REPLICAS:
        assert set(SERVICES[replica]["environment"]) == set(topology.api_environment(STATE, replica))


def test_secrets_come_from_the_optional_env_file_in_compose_and_are_documented_in_env_example():
    env_example = (PROJECT_ROOT / ".env.example").read_text()
    for service in ("migrate", *topology.API_REPLICAS):
        assert SERVICES[service]["env_file"] == [{"path": ".env", "required": False}]
        assert not set(topology.SECRETS) & set(SERVICES[service]["environment"])
    for name in topology.SECRETS:
        assert re.search(rf"^{name}=", env_example, re.MULTILINE)


def test_the_proxy_template_takes_exactly_the_names_both_give_it():
    placeholders = set(re.findall(r"\$\{([A-Z0-9_]+)\}", TEMPLATE))

    assert placeholders == set(SERVICES["proxy"]["environment"]) == set(topology.proxy_environment(STATE))
    assert "${" not in topology.render_template(TEMPLATE, topology.proxy_environment(STATE))


def test_the_proxy_sends_to_every_replica():
    upstreams = re.findall(r"^\s*server \$\{(\w+)\}", TEMPLATE, re.MULTILINE)
    addresses = SERVICES["proxy"]["environment"]

    assert sorted(addresses[name] for name in upstreams) == [f"{r}:8000" for r in topology.API_REPLICAS]


def test_only_the_proxy_publishes_a_port():
    assert [name for name, service in SERVICES.items() if "ports" in service] == ["proxy"]


def test_the_replicas_grace_period_covers_the_drain_and_the_graceful_timeout():
    grace = int(SERVICES["api-1"]["stop_grace_period"].rstrip("s"))
    env_example = (PROJECT_ROOT / ".env.example").read_text()

    def default(name):
        return int(re.search(rf"^{name}=(\d+)$", env_example, re.MULTILINE).group(1))

    assert grace > default("SERVER_DRAIN_SECONDS") + default("SERVER_GRACEFUL_TIMEOUT")


def test_the_proxy_serves_exactly_the_names_the_replicas_allow():
    compose_names = SERVICES["proxy"]["environment"]["PROXY_SERVER_NAMES"].split()
    compose_allowed = SERVICES["api-1"]["environment"]["DJANGO_ALLOWED_HOSTS"].split(",")
    script_names = topology.proxy_environment(STATE)["PROXY_SERVER_NAMES"].split()
    script_allowed = topology.api_environment(STATE, "api-1")["DJANGO_ALLOWED_HOSTS"].split(",")

    assert compose_names == compose_allowed
    assert script_names == script_allowed
