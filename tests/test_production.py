"""Production settings, deployment files and error pages: what `issue 7` promises a deployment."""

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from django.test import Client
from django.urls import reverse

from tracking.models import Plan

REPO = Path(__file__).resolve().parents[1]
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "production-test-key-" + "x" * 40,
    "ALLOWED_HOSTS": "tracker.example.gov.cn",
    "CSRF_TRUSTED_ORIGINS": "https://tracker.example.gov.cn",
}


def run_in_production(*args):
    """A manage.py command in a fresh interpreter with only the production environment (not,
    say, the DJANGO_ALLOW_ASYNC_UNSAFE that the browser tests set in this process)."""
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env={"PATH": os.environ.get("PATH", ""), **PRODUCTION_ENV},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_settings_pass_the_deployment_check_without_a_warning():
    result = run_in_production("check", "--deploy", "--fail-level", "DEBUG")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output, output


def test_production_settings_send_a_strict_csp_and_compressed_static_files():
    from whitenoise.compress import Compressor

    script = (
        "import json; from django.conf import settings as s; from csp.utils import build_policy;"
        "print(json.dumps([build_policy(s.CONTENT_SECURITY_POLICY['DIRECTIVES']),"
        " 'csp.middleware.CSPMiddleware' in s.MIDDLEWARE, s.STORAGES['staticfiles']['BACKEND']]))"
    )
    result = run_in_production("shell", "--no-imports", "-c", script)
    policy, has_middleware, static_storage = json.loads(result.stdout)
    assert "script-src 'self'" in policy and "style-src 'self'" in policy, policy
    assert "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy, policy
    assert has_middleware
    assert static_storage == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert Compressor(quiet=True).use_brotli, "whitenoise writes .br files only with brotli"


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_an_unexpected_error_shows_no_details(monkeypatch, language):
    def explode():
        raise RuntimeError("secret-internal-detail")

    monkeypatch.setattr(Plan.objects, "current", explode)
    client = Client(raise_request_exception=False)
    client.cookies["django_language"] = language
    response = client.get(reverse("tracking:home"))
    page = response.content.decode()
    assert response.status_code == 500
    assert "secret-internal-detail" not in page and "Traceback" not in page
    assert f'<html lang="{language}">' in page, page


# Deployment files. Docker cannot run here, so the files are read and checked for what the
# README promises: PostgreSQL with a volume and a health check, Redis, the app under gunicorn.


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


def test_compose_runs_postgres_on_a_named_volume_with_a_health_check(compose):
    db = compose["services"]["db"]
    assert db["image"].startswith("postgres:")
    assert "pgdata:/var/lib/postgresql/data" in db["volumes"]
    assert "pgdata" in compose["volumes"]
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])


def test_compose_runs_redis_and_points_the_app_at_it(compose):
    assert compose["services"]["redis"]["image"].startswith("redis:")
    assert "redis-cli" in compose["services"]["redis"]["healthcheck"]["test"]
    assert compose["services"]["web"]["environment"]["REDIS_URL"] == "redis://redis:6379/0"


def test_compose_app_waits_for_healthy_services_and_reads_secrets_from_env_file(compose):
    web = compose["services"]["web"]
    assert web["env_file"] == ".env"
    assert web["environment"]["DEBUG"] == "0"
    assert web["depends_on"] == {
        "db": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
    }
    assert "media:/app/media" in web["volumes"] and "media" in compose["volumes"]
    # Only the proxy on the host may reach the app: X-Forwarded-For is believed from it.
    assert all(port.startswith("127.0.0.1:") for port in web["ports"]), web["ports"]


def test_env_example_names_every_secret_compose_needs(compose):
    example = (REPO / ".env.example").read_text()
    declared = set(re.findall(r"^([A-Z_]+)=", example, re.MULTILINE))
    needed = set(re.findall(r"\$\{([A-Z_]+):\?", (REPO / "docker-compose.yml").read_text()))
    assert needed <= declared, needed - declared
    assert {"SECRET_KEY", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS"} <= declared


def test_dockerfile_matches_pyproject_and_runs_as_non_root():
    dockerfile = (REPO / "Dockerfile").read_text()
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    python = re.search(r"^FROM python:(\d+\.\d+)", dockerfile, re.MULTILINE).group(1)
    assert project["requires-python"] == f">={python}", "Dockerfile Python vs requires-python"
    assert "pip install ." in dockerfile, "the image installs the dependencies of pyproject.toml"
    assert any(dep.startswith("gunicorn") for dep in project["dependencies"])
    assert re.search(r"^USER (?!root)\w+", dockerfile, re.MULTILINE), "runs as root"
    assert "pybabel compile --domain=django --directory=locale" in dockerfile, "no English"
    command = dockerfile.split("CMD", 1)[1]
    assert command.index("migrate") < command.index("collectstatic") < command.index("gunicorn")


def test_secrets_never_enter_the_image():
    ignored = (REPO / ".dockerignore").read_text().split()
    assert ".env" in ignored and "db.sqlite3" in ignored and "media/" in ignored
