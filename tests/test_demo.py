"""Point 11 of issue 13: `make demo` shows the real plan with a labelled, generated set of demo
progress for mid-year, in a database of its own, with a banner on every page; never mixed
into real data."""

import datetime
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from tracking.management.commands.load_demo_progress import DEMO_NOTE, PACES, pace_of
from tracking.models import ProgressRecord, Target
from tracking.rules.choices import Status

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[1]
BANNER = "演示数据，非真实进度"


@pytest.fixture
def demo_site(settings, gangmen):
    settings.DEMO_DATA = True
    settings.DEMO_AS_OF = datetime.date(2022, 6, 30)
    call_command("load_demo_progress", verbosity=0, stdout=io.StringIO())
    return gangmen


def test_demo_progress_is_refused_outside_a_demo_site(gangmen):
    with pytest.raises(CommandError, match="演示进度只能写入演示站点"):
        call_command("load_demo_progress")
    assert not ProgressRecord.objects.exists()


def test_the_demo_database_is_its_own_file_whatever_database_url_says():
    env = {**os.environ, "DEMO_DATA": "1", "DATABASE_URL": "postgres://root@127.0.0.1/real"}
    result = subprocess.run(
        [sys.executable, "-c", "import gangmen.settings as s; print(s.DATABASES['default'])"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "demo.sqlite3" in result.stdout and "postgres" not in result.stdout


def test_demo_progress_runs_to_mid_year_is_labelled_and_spreads_over_the_statuses(demo_site):
    records = ProgressRecord.objects.filter(target__plan=demo_site)
    assert records.count() > 100
    assert set(records.values_list("note", flat=True)) == {DEMO_NOTE}
    assert max(records.values_list("as_of", flat=True)) == datetime.date(2022, 6, 30)
    assert set(records.values_list("state", flat=True)) == {ProgressRecord.State.PUBLISHED}
    on = datetime.date(2022, 6, 30)
    found = {t.assess(on).status for t in Target.objects.for_plan(demo_site).with_progress()}
    assert {Status.ON_TRACK, Status.AT_RISK, Status.BEHIND, Status.NO_DATA} <= found


def test_demo_progress_is_written_once(demo_site):
    count = ProgressRecord.objects.count()
    call_command("load_demo_progress", verbosity=0, stdout=io.StringIO())
    assert ProgressRecord.objects.count() == count


def test_a_targets_demo_pace_is_the_same_in_every_process():
    """`make demo` afresh shows the same demo: the pace must not hang on str hashing, which
    Python salts anew in every process."""
    import tomllib

    from tests.conftest import REPORT_DATA

    codes = [t["code"] for t in tomllib.loads(REPORT_DATA.read_text("utf-8"))["targets"]]
    script = (
        "import django, json, sys; django.setup();"
        "from tracking.management.commands.load_demo_progress import pace_of;"
        "print(json.dumps({c: str(pace_of(c)) for c in sys.argv[1:]}))"
    )
    other_process = subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, "-c", script, *codes],
        cwd=REPO,
        env={**os.environ, "PYTHONHASHSEED": "12345", "DJANGO_SETTINGS_MODULE": "gangmen.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    here = {code: str(pace_of(code)) for code in codes}
    assert json.loads(other_process.stdout) == here
    assert set(here.values()) == {str(pace) for pace in PACES}, "every pace is used"


def test_every_page_of_a_demo_site_carries_the_banner(client, demo_site, admin_client):
    target = Target.objects.get(plan=demo_site, code="M1")
    for url in [
        "/",
        target.area.get_absolute_url(),
        target.get_absolute_url(),
        reverse("tracking:plan_print", args=demo_site.url_args),
        reverse("tracking:previous_year", args=demo_site.url_args),
    ]:
        body = client.get(url).content.decode()
        assert f'<strong lang="zh-Hans">{BANNER}</strong>' in body, url
    assert BANNER in admin_client.get(reverse("admin:index")).content.decode()
    api = json.loads(client.get("/api/v1/plans/gangmen/2022/targets").content)
    assert api["notice"].startswith(BANNER)


def test_a_demo_site_judges_on_its_mid_year_date(client, demo_site):
    body = client.get("/").content.decode()
    assert "评估日期：2022年6月30日。" in body and "年终回顾" not in body


def test_the_real_site_has_no_banner(client, gangmen):
    assert BANNER not in client.get("/").content.decode()


@pytest.mark.skipif(not shutil.which("make"), reason="needs make")
def test_make_demo_runs_every_step_on_the_demo_site_and_make_run_on_the_real_one():
    make = shutil.which("make")

    def steps(target):
        dry_run = subprocess.run(  # noqa: S603 - make on our own Makefile, fixed arguments
            [make, "-n", target], cwd=REPO, capture_output=True, text=True, check=True
        )
        return [line for line in dry_run.stdout.splitlines() if "manage.py" in line]

    demo = steps("demo")
    assert any("load_demo_progress" in line for line in demo)
    assert all(line.startswith("DEMO_DATA=1 ") for line in demo), demo
    assert not any("DEMO_DATA" in line or "load_demo_progress" in line for line in steps("run"))
