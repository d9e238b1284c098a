"""docker-compose.yml and the Dockerfile: no engine runs here, so check what can be checked."""

import importlib.util
import re
from pathlib import Path

import yaml
from django.urls import resolve

REPO = Path(__file__).resolve().parents[1]
COMPOSE = yaml.safe_load((REPO / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def test_the_production_shape_is_complete():
    assert {"web", "worker", "beat", "postgres", "redis"} <= set(SERVICES)
    for name in ("web", "worker", "beat", "postgres", "redis"):
        assert "healthcheck" in SERVICES[name], name
        assert SERVICES[name].get("restart") == "unless-stopped", name


def test_start_up_order_waits_for_healthy_services_and_migrations():
    for name in ("web", "worker", "beat"):
        depends = SERVICES[name]["depends_on"]
        assert depends["redis"]["condition"] == "service_healthy"
        assert depends["migrate"]["condition"] == "service_completed_successfully"
    assert SERVICES["web"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert SERVICES["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_app_services_use_postgres_and_redis():
    for name in ("web", "worker", "beat", "migrate"):
        env = SERVICES[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://") and "@postgres:5432/" in env["DATABASE_URL"]
        assert env["REDIS_URL"] == "redis://redis:6379/0"


def _resolve_app(target):
    module, _, attr = target.partition(":")
    obj = importlib.import_module(module)
    return getattr(obj, attr) if attr else obj


def test_each_command_exists_in_the_project():
    web = SERVICES["web"]["command"]
    assert web[0] == "gunicorn" and importlib.util.find_spec("gunicorn") is not None
    assert callable(_resolve_app(web[1]))
    for name in ("worker", "beat"):
        command = SERVICES[name]["command"]
        assert command[:3] == ["celery", "-A", "interviewprep"]
        assert command[3] == name
        app = importlib.import_module("interviewprep").celery_app
        assert app.main == "interviewprep"
    migrate = SERVICES["migrate"]["command"][-1]
    from django.core.management import get_commands

    for management_command in re.findall(r"manage\.py (\w+)", migrate):
        assert management_command in get_commands(), management_command


def test_web_healthcheck_uses_the_health_endpoint():
    check = " ".join(SERVICES["web"]["healthcheck"]["test"])
    path = re.search(r"127\.0\.0\.1:8000(/\S+?)'", check).group(1)
    assert resolve(path).url_name == "healthz"


def test_dockerfile_copies_what_exists_and_serves_with_gunicorn():
    dockerfile = (REPO / "Dockerfile").read_text()
    for source in re.findall(r"^COPY (\S+) ", dockerfile, re.M):
        if source != ".":
            assert (REPO / source).exists(), source
    assert "collectstatic" in dockerfile
    cmd = re.search(r"^CMD (\[.*\])$", dockerfile, re.M).group(1)
    assert yaml.safe_load(cmd) == SERVICES["web"]["command"]


def test_compose_tells_the_app_about_its_proxy_and_the_readme_documents_it():
    assert SERVICES["web"]["environment"]["DJANGO_TRUSTED_PROXY_COUNT"].startswith("${DJANGO_TRUSTED_PROXY_COUNT:-1}")
    assert "`DJANGO_TRUSTED_PROXY_COUNT`" in (REPO / "README.md").read_text()
