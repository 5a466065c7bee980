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


def run_in_production(*args, program=("manage.py",), **env):
    """A manage.py command in a fresh interpreter with only the production environment (not,
    say, the DJANGO_ALLOW_ASYNC_UNSAFE that the browser tests set in this process)."""
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, *program, *args],
        cwd=REPO,
        env={"PATH": os.environ.get("PATH", ""), **PRODUCTION_ENV, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_settings_pass_the_deployment_check_without_a_warning():
    result = run_in_production("check", "--deploy", "--fail-level", "DEBUG")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output, output


@pytest.mark.parametrize(
    ("secret_key", "error"),
    [
        ("x" * 49, "gangmen.E002"),
        ("change-me-to-a-long-random-string", "gangmen.E001"),  # the .env.example placeholder
    ],
)
def test_production_refuses_to_start_with_a_weak_secret_key(secret_key, error):
    result = run_in_production("check", "--deploy", SECRET_KEY=secret_key)
    assert result.returncode == 1 and error in result.stderr, result.stdout + result.stderr
    # gunicorn runs no system checks: loading the WSGI application runs ours.
    result = run_in_production(program=("-c", "import gangmen.wsgi"), SECRET_KEY=secret_key)
    assert result.returncode == 1 and error in result.stderr, result.stderr[-500:]


def test_whatever_placeholder_env_example_carries_is_refused(settings):
    """The check reads the placeholder from .env.example itself, not from a copy of it."""
    from django.core import checks

    (placeholder,) = re.findall(r"^SECRET_KEY=(.*)$", (REPO / ".env.example").read_text(), re.M)
    settings.DEBUG = False
    settings.SECRET_KEY = placeholder.strip()
    found = [error.id for error in checks.run_checks(tags=[checks.Tags.security])]
    assert "gangmen.E001" in found, (placeholder, found)
    settings.SECRET_KEY = "x" * 50 + placeholder.strip()
    assert "gangmen.E001" not in [e.id for e in checks.run_checks(tags=[checks.Tags.security])]


def test_a_strong_key_lets_the_wsgi_application_load():
    result = run_in_production(program=("-c", "import gangmen.wsgi"))
    assert result.returncode == 0, result.stderr[-500:]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("debug", "password", "refused"),
    [
        (False, "gangmen-demo-2022", True),
        (False, "a-real-password-of-the-office", False),
        (True, "gangmen-demo-2022", False),  # make run: the demo accounts are the point
    ],
)
def test_production_refuses_to_start_while_an_account_accepts_the_demo_password(
    settings, django_user_model, debug, password, refused
):
    from django.core import checks

    settings.DEBUG = debug
    django_user_model.objects.create_user("demo-leader", password=password)
    django_user_model.objects.create_user("locked", password=None)  # unusable: never matches
    errors = [
        error
        for error in checks.run_checks(databases=["default"], tags=[checks.Tags.security])
        if error.id == "gangmen.E003"
    ]
    assert bool(errors) is refused
    if refused:
        assert "demo-leader" in errors[0].msg and "locked" not in errors[0].msg


@pytest.mark.django_db
def test_migrate_refuses_while_an_account_accepts_the_demo_password(settings, django_user_model):
    """The container runs migrate before gunicorn: it runs the checks that need the database."""
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    settings.DEBUG = False
    django_user_model.objects.create_user("demo", password="gangmen-demo-2022")
    with pytest.raises(SystemCheckError, match="gangmen.E003"):
        call_command("migrate", skip_checks=False, verbosity=0)


# Collect the static files as the container does, then ask the site as a browser would: the
# headers, the cookies and the static files production serves (no page here needs a database).
PRODUCTION_REQUESTS = """
import json, os
from django.conf import settings
settings.STATIC_ROOT = os.environ["COLLECTED_STATIC_ROOT"]
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client
call_command("collectstatic", interactive=False, verbosity=0)
client = Client(HTTP_HOST="tracker.example.gov.cn")
page = client.get("/admin/login/", secure=True)
plain = client.get("/admin/login/")
css_url = static("tracking/admin.css")
css = client.get(css_url, secure=True, HTTP_ACCEPT_ENCODING="br, gzip")
print(json.dumps({
    "status": page.status_code,
    "headers": dict(page.headers),
    "csrf_cookie_secure": page.cookies["csrftoken"]["secure"],
    "plain": [plain.status_code, plain.get("Location")],
    "css": [css.status_code, css.get("Content-Encoding"), css.get("Cache-Control"), css_url],
}))
"""


def test_production_serves_a_strict_csp_over_https_only_and_compressed_static_files(tmp_path):
    from whitenoise.compress import Compressor

    result = run_in_production(
        "shell", "--no-imports", "-c", PRODUCTION_REQUESTS,
        COLLECTED_STATIC_ROOT=str(tmp_path / "static"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'absent' / 'no.sqlite3'}",  # a query would fail
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    served = json.loads(result.stdout)
    assert served["status"] == 200
    headers = served["headers"]
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy, policy
    assert "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy, policy
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000"), headers
    assert (headers["X-Frame-Options"], headers["X-Content-Type-Options"]) == ("DENY", "nosniff")
    assert served["csrf_cookie_secure"], "the CSRF cookie travels over HTTPS only"
    assert served["plain"] == [301, "https://tracker.example.gov.cn/admin/login/"]
    status, encoding, caching, url = served["css"]
    assert status == 200 and re.search(r"admin\.[0-9a-f]{12}\.css$", url), served["css"]
    assert encoding == "br", "whitenoise serves the brotli file it wrote at collectstatic"
    assert "immutable" in caching, caching
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


# Officials' pages are never stored by a browser or a proxy; oversized bodies are not read.


@pytest.mark.django_db
def test_officials_pages_and_evidence_send_no_store(client, office, settings, tmp_path):
    from decimal import Decimal

    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.conftest import make_record
    from tracking.models import EvidenceFile

    settings.MEDIA_ROOT = tmp_path
    import datetime

    record = make_record(office.target_a, datetime.date(2022, 3, 31), value=Decimal(1))
    evidence = EvidenceFile.objects.create(
        record=record,
        file=SimpleUploadedFile("a.pdf", b"%PDF-1.4 test"),
        original_name="a.pdf",
        size_bytes=13,
        uploaded_by=office.reporter_a,
    )
    client.force_login(office.reporter_a)
    for url in [
        reverse("office:my_targets"),
        reverse("office:report", args=[office.target_a.pk]),
        evidence.get_absolute_url(),
        reverse("admin:index"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url


@pytest.mark.django_db
def test_a_body_larger_than_any_legal_upload_is_refused_before_it_is_read(client, office, settings):
    client.force_login(office.reporter_a)
    url = reverse("office:report", args=[office.target_a.pk])
    too_large = settings.REQUEST_MAX_BYTES + 1

    class Unreadable:
        def read(self, *args):
            raise AssertionError("the body was read")

        readline = read

    response = client.generic(
        "POST", url, b"", content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(too_large), **{"wsgi.input": Unreadable()},
    )  # fmt: skip
    assert response.status_code == 413
    assert "一次提交的文件和内容合计不能超过" in response.content.decode()
    assert settings.REQUEST_MAX_BYTES >= settings.EVIDENCE_MAX_BYTES * settings.EVIDENCE_MAX_FILES
    assert settings.REQUEST_MAX_BYTES >= settings.IMPORT_MAX_FILE_BYTES
