"""deploy/kubernetes/: valid for Kubernetes (its own schemas, offline), and the app docker-compose.yml runs.

kubernetes-validate ships the API's JSON schemas, so nothing here needs a
cluster. The strict schemas refuse unknown fields, so a misspelled key fails
instead of being silently ignored by the API server.
"""

import copy
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.urls import resolve
from kubernetes_validate import utils as kubernetes_validate

from deploy import topology
from server import views as probe_views
from testing.processes import PROJECT_ROOT

from .test_env_example import documented_variables

KUBERNETES = PROJECT_ROOT / "deploy" / "kubernetes"
# The oldest and the newest schemas kubernetes-validate ships: the manifests use
# nothing newer than autoscaling/v2 and policy/v1 (Kubernetes 1.23).
VERSIONS = ("1.25", kubernetes_validate.latest_version())
KUSTOMIZE_KINDS = {"Kustomization", "Component"}
# RSS of the server's main process under load (docs/reliability.md, "Kubernetes").
MAIN_PROCESS_MIB = 90

COMPOSE = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())
ENV_EXAMPLE = (PROJECT_ROOT / ".env.example").read_text()


def load(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


MANIFESTS = {
    path.relative_to(KUBERNETES).as_posix(): load(path)
    for path in sorted(KUBERNETES.rglob("*.yaml"))
    if not {doc["kind"] for doc in load(path)} & KUSTOMIZE_KINDS
}
RESOURCES = [doc for docs in MANIFESTS.values() for doc in docs]
# What `kubectl apply -k deploy/kubernetes` applies; the components' files come on top.
BASE = {name: docs for name, docs in MANIFESTS.items() if "/" not in name}


def the(kind: str, name: str | None = None) -> dict[str, Any]:
    [resource] = [
        doc
        for docs in BASE.values()
        for doc in docs
        if doc["kind"] == kind and (name is None or doc["metadata"]["name"] == name)
    ]
    return resource


DEPLOYMENT = the("Deployment")
JOB = the("Job")
CONFIG = the("ConfigMap")["data"]
[API] = DEPLOYMENT["spec"]["template"]["spec"]["containers"]
[MIGRATE] = JOB["spec"]["template"]["spec"]["containers"]
POD_SPECS = {"deployment": DEPLOYMENT["spec"]["template"]["spec"], "job": JOB["spec"]["template"]["spec"]}


def env_names(container: dict[str, Any]) -> set[str]:
    """The variables a container gets: its own, and every key of the ConfigMaps it reads whole."""
    names = {entry["name"] for entry in container.get("env", [])}
    for source in container.get("envFrom", []):
        assert source == {"configMapRef": {"name": "todo-api"}}
        names |= set(CONFIG)
    return names


def secret_refs(container: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {entry["name"]: entry["valueFrom"]["secretKeyRef"] for entry in container["env"]}


def secrets_in_env_example() -> set[str]:
    """Names that hold a secret: a *SECRET*, or a URL whose example carries a password."""
    names = set()
    for match in re.finditer(r"^(?:#\s*)?([A-Z][A-Z0-9_]+)=(.*)$", ENV_EXAMPLE, re.MULTILINE):
        name, example = match.groups()
        if "SECRET" in name or re.search(r"://[^/@\s]+:[^/@\s]+@", example):
            names.add(name)
    return names


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("name", sorted(MANIFESTS))
def test_each_manifest_is_valid_for_kubernetes(name, version):
    for resource in MANIFESTS[name]:
        assert kubernetes_validate.validate(resource, version, strict=True)


def test_the_validator_refuses_a_misspelled_field():
    broken = copy.deepcopy(DEPLOYMENT)
    broken["spec"]["template"]["spec"]["containers"][0]["readinesProbe"] = API["readinessProbe"]

    with pytest.raises(kubernetes_validate.ValidationError, match="readinesProbe"):
        kubernetes_validate.validate(broken, VERSIONS[-1], strict=True)


def test_each_kustomization_lists_exactly_the_manifests_beside_it():
    kustomizations = [path for path in KUBERNETES.rglob("kustomization.yaml")]
    assert len(kustomizations) == 3
    for path in kustomizations:
        kustomization = yaml.safe_load(path.read_text())
        listed = set(kustomization.get("resources", [])) | {patch["path"] for patch in kustomization.get("patches", [])}
        beside = {p.name for p in path.parent.glob("*.yaml")} - {"kustomization.yaml"}
        assert listed == beside, path
        for component in kustomization.get("components", []):
            assert (path.parent / component / "kustomization.yaml").is_file()


def test_no_manifest_holds_a_secret_value():
    assert "Secret" not in {resource["kind"] for resource in RESOURCES}
    for resource in RESOURCES:
        if resource["kind"] == "ConfigMap":
            assert not set(resource["data"]) & secrets_in_env_example()
            assert not [value for value in resource["data"].values() if re.search(r"://[^/@\s]+:[^/@\s]+@", value)]


def test_the_api_and_the_migrate_job_run_composes_commands_in_one_image():
    assert API["command"] == COMPOSE["services"]["api-1"]["command"] == topology.API_COMMAND
    assert MIGRATE["command"] == COMPOSE["services"]["migrate"]["command"] == topology.MIGRATE_COMMAND
    assert API["image"] == MIGRATE["image"]
    [image] = yaml.safe_load((KUBERNETES / "kustomization.yaml").read_text())["images"]
    assert API["image"].split(":")[0] == image["name"]


def repository(image: str) -> str:
    """`registry/path/name:tag` -> `name`: a registry and a tag are the deployer's choice."""
    return image.rsplit("/", 1)[-1].split(":")[0]


def test_the_image_is_the_one_compose_builds():
    services = [COMPOSE["services"][name] for name in ("migrate", "api-1", "api-2")]
    names = {service.get("image") for service in services}

    # Built from the Dockerfile here; under the name compose gives it, if it gives one.
    for service in services:
        build = service["build"]
        assert (build if isinstance(build, str) else build.get("context", ".")) == "."
    assert len(names) == 1
    [name] = names
    if name is not None:
        assert repository(API["image"]) == repository(name)


def test_every_variable_the_manifests_set_is_documented_in_env_example():
    documented = set(documented_variables())
    patched = {key for resource in RESOURCES if resource["kind"] == "ConfigMap" for key in resource["data"]}

    assert env_names(API) - documented == set()
    assert env_names(MIGRATE) - documented == set()
    assert patched - documented == set()


def test_the_pods_get_every_name_compose_gives_the_same_service():
    assert set(COMPOSE["services"]["api-1"]["environment"]) <= env_names(API)
    assert set(COMPOSE["services"]["migrate"]["environment"]) <= env_names(MIGRATE)


@pytest.mark.parametrize("container", [API, MIGRATE], ids=["api", "migrate"])
def test_every_secret_comes_from_the_secret_by_reference(container):
    refs = secret_refs(container)

    assert set(refs) == secrets_in_env_example() | {"REDIS_URL"}
    for name, ref in refs.items():
        assert ref["name"] == "todo-api"
        assert ref["key"] == name
    # What the app refuses to start without (accounts' and core's checks), never optional.
    required = {*topology.SECRETS, "DATABASE_URL"}
    assert {name for name, ref in refs.items() if not ref.get("optional")} == required


def test_the_api_listens_on_composes_port_and_the_service_and_policy_use_it():
    [port] = API["ports"]
    [compose_port] = COMPOSE["services"]["api-1"]["expose"]
    [service_port] = the("Service")["spec"]["ports"]
    [ingress] = the("NetworkPolicy", "todo-api")["spec"]["ingress"]

    assert port["containerPort"] == int(compose_port) == int(CONFIG["SERVER_BIND"].rsplit(":", 1)[1])
    assert COMPOSE["services"]["api-1"]["environment"]["SERVER_BIND"] == CONFIG["SERVER_BIND"]
    assert service_port["targetPort"] == port["name"]
    assert ingress["ports"] == [{"port": port["containerPort"], "protocol": "TCP"}]


def test_the_probes_ask_the_health_paths_with_an_allowed_host():
    probes = {kind: API[kind]["httpGet"] for kind in ("startupProbe", "livenessProbe", "readinessProbe")}
    allowed = CONFIG["DJANGO_ALLOWED_HOSTS"].split(",")

    assert {kind: probe["path"] for kind, probe in probes.items()} == {
        "startupProbe": "/health",
        "livenessProbe": "/health",
        "readinessProbe": "/ready",
    }
    assert resolve("/health").func is probe_views.health
    assert resolve("/ready").func is probe_views.ready
    # The image's HEALTHCHECK (server/healthcheck.py) asks the same path.
    assert '/health"' in (PROJECT_ROOT / "server" / "healthcheck.py").read_text()
    for probe in probes.values():
        assert probe["port"] == API["ports"][0]["name"]
        assert [header["value"] for header in probe["httpHeaders"] if header["name"] == "Host"][0] in allowed


def test_the_grace_period_covers_the_prestop_the_drain_and_the_graceful_timeout():
    grace = POD_SPECS["deployment"]["terminationGracePeriodSeconds"]
    sleep, pre_stop = API["lifecycle"]["preStop"]["exec"]["command"]
    drain = float(CONFIG["SERVER_DRAIN_SECONDS"])
    graceful = float(CONFIG["SERVER_GRACEFUL_TIMEOUT"])

    assert sleep == "sleep"
    assert grace > float(pre_stop) + drain + graceful
    # After SIGTERM, /ready's 503 is seen by anything that goes by readiness before the drain ends.
    readiness = API["readinessProbe"]
    assert readiness["periodSeconds"] * readiness["failureThreshold"] < drain


def test_compose_and_the_pods_drain_alike():
    compose_grace = float(COMPOSE["services"]["api-1"]["stop_grace_period"].rstrip("s"))
    _, pre_stop = API["lifecycle"]["preStop"]["exec"]["command"]

    assert POD_SPECS["deployment"]["terminationGracePeriodSeconds"] >= compose_grace + float(pre_stop)


@pytest.mark.parametrize("pod", sorted(POD_SPECS))
def test_each_pod_runs_unprivileged_on_a_read_only_root(pod):
    spec = POD_SPECS[pod]
    volumes = {volume["name"]: volume for volume in spec["volumes"]}

    assert spec["automountServiceAccountToken"] is False
    assert spec["securityContext"]["runAsNonRoot"] is True
    assert spec["securityContext"]["runAsUser"] > 0
    assert spec["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    for container in spec["containers"]:
        assert container["securityContext"] == {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "capabilities": {"drop": ["ALL"]},
        }
        [tmp] = [mount for mount in container["volumeMounts"] if mount["mountPath"] == "/tmp"]
        assert "emptyDir" in volumes[tmp["name"]]


@pytest.mark.parametrize("service", ["api-1", "migrate"])
def test_what_compose_says_of_user_root_and_tmp_the_pods_say_too(service):
    compose = COMPOSE["services"][service]
    spec = POD_SPECS["job" if service == "migrate" else "deployment"]
    [container] = spec["containers"]
    mounted = {mount["mountPath"] for mount in container["volumeMounts"] if not mount.get("readOnly")}

    assert compose.get("read_only", True) is True
    tmpfs = compose.get("tmpfs", [])
    for path in [tmpfs] if isinstance(tmpfs, str) else tmpfs:
        assert path.split(":")[0] in mounted
    user = str(compose.get("user", ""))
    if user.split(":")[0].isdigit():
        assert spec["securityContext"]["runAsUser"] == int(user.split(":")[0])
    uid = re.search(r"useradd[^\n]*--uid[ =](\d+)", (PROJECT_ROOT / "Dockerfile").read_text())
    if uid:
        assert spec["securityContext"]["runAsUser"] == int(uid.group(1))


def mebibytes(quantity: str) -> int:
    match = re.fullmatch(r"(\d+)(Mi|Gi)", quantity)
    assert match, f"{quantity}: not in Mi or Gi"
    number, unit = match.groups()
    return int(number) * (1024 if unit == "Gi" else 1)


def test_the_memory_limit_holds_the_workers_up_to_their_recycling_threshold():
    resources = API["resources"]
    workers = int(CONFIG["SERVER_WORKERS"])
    limit = mebibytes(resources["limits"]["memory"])

    # Two workers, and a replacement starting while an old one finishes.
    assert limit >= MAIN_PROCESS_MIB + (workers + 1) * int(CONFIG["SERVER_WORKERS_MAX_RSS"])
    assert mebibytes(resources["requests"]["memory"]) < limit
    assert int(resources["limits"]["cpu"]) == workers


def test_the_figures_in_reliability_md_are_the_manifests():
    reliability = (PROJECT_ROOT / "docs" / "reliability.md").read_text()
    for container in (API, MIGRATE):
        for bound in ("requests", "limits"):
            assert f"`{container['resources'][bound]['memory']}`" in reliability
    assert f"{MAIN_PROCESS_MIB} MiB" in reliability


def test_the_service_budget_and_autoscaler_aim_at_the_api_pods():
    pod_labels = DEPLOYMENT["spec"]["template"]["metadata"]["labels"]
    target = the("HorizontalPodAutoscaler")["spec"]["scaleTargetRef"]

    assert the("Service")["spec"]["selector"] == pod_labels
    assert the("PodDisruptionBudget")["spec"]["selector"]["matchLabels"] == pod_labels
    assert DEPLOYMENT["spec"]["selector"]["matchLabels"] == pod_labels
    assert (target["kind"], target["name"]) == ("Deployment", DEPLOYMENT["metadata"]["name"])
    assert the("HorizontalPodAutoscaler")["spec"]["minReplicas"] >= 2


def egress_ports(policy: dict[str, Any]) -> set[tuple[int, str]]:
    return {(port["port"], port["protocol"]) for rule in policy["spec"]["egress"] for port in rule["ports"]}


def test_the_network_policies_allow_the_ingress_controller_in_and_only_the_stores_and_dns_out():
    api = the("NetworkPolicy", "todo-api")
    migrate = the("NetworkPolicy", "todo-api-migrate")
    dns = {(53, "UDP"), (53, "TCP")}

    assert api["spec"]["podSelector"]["matchLabels"] == DEPLOYMENT["spec"]["template"]["metadata"]["labels"]
    assert migrate["spec"]["podSelector"]["matchLabels"] == JOB["spec"]["template"]["metadata"]["labels"]
    for policy in (api, migrate):
        assert policy["spec"]["policyTypes"] == ["Ingress", "Egress"]
        for rule in policy["spec"]["egress"]:
            assert rule["to"] and all("ipBlock" not in peer for peer in rule["to"])
    [ingress] = api["spec"]["ingress"]
    [peer] = ingress["from"]
    assert set(peer) == {"namespaceSelector", "podSelector"}
    assert egress_ports(api) == {(5432, "TCP"), (6379, "TCP"), *dns}
    assert migrate["spec"]["ingress"] == []
    assert egress_ports(migrate) == {(5432, "TCP"), *dns}


@pytest.mark.parametrize(
    "component, ports",
    [("jwks-egress", {(443, "TCP")}), ("smtp-egress", {(587, "TCP"), (465, "TCP")})],
)
def test_the_optional_components_add_only_egress_to_the_api_pods(component, ports):
    [policy] = MANIFESTS[f"components/{component}/networkpolicy.yaml"]

    assert policy["spec"]["policyTypes"] == ["Egress"]
    assert policy["spec"]["podSelector"]["matchLabels"] == DEPLOYMENT["spec"]["template"]["metadata"]["labels"]
    assert egress_ports(policy) == ports


def test_the_jwks_component_sets_the_jwks_url_the_app_reads():
    [patch] = MANIFESTS["components/jwks-egress/configmap.yaml"]

    assert patch["metadata"]["name"] == "todo-api"
    assert set(patch["data"]) == {"BETTER_AUTH_JWKS_URL"}
    assert patch["data"]["BETTER_AUTH_JWKS_URL"].startswith("https://")
