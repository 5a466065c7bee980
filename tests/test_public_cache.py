"""Public pages and API responses are cached until published data change, in every process."""

import datetime
import os
import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.db import connection

from tests.conftest import make_record, make_target, make_user
from tests.spreadsheet_files import xlsx
from tracking import roles
from tracking.models import PreviousYearResult, ProgressRecord
from tracking.public import cache as public_cache
from tracking.spreadsheets import read_rows
from tracking.spreadsheets.resources import PreviousYearResultResource

ROOT = Path(__file__).resolve().parents[1]
# Redis database 1 belongs to this branch's tests (helper "public"); only it is ever flushed.
REDIS_URL = "redis://127.0.0.1:6379/1"


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_a_page_stays_cached_until_published_data_change(client, plan):
    target = make_target(plan)
    record = make_record(target, datetime.date(2022, 3, 31), value=D(3), state="submitted")
    url = target.get_absolute_url()
    assert "3 家" not in _page(client, url)
    ProgressRecord.objects.filter(pk=record.pk).update(note="不经信号的改动")
    assert "不经信号的改动" not in _page(client, url), "served from the cache"
    record.approve(by=make_user("leader", roles.LEADER))
    assert "3 家" in _page(client, url), "publishing invalidates the cache"


@pytest.mark.django_db
def test_the_bulk_import_path_invalidates_the_cache(client, plan, superuser):
    url = f"/api/v1/plans/{plan.jurisdiction.slug}/{plan.year}/results"
    assert "新增企业" not in _page(client, url)
    header = ["报告段落", "顺序", "指标名称", "数值", "计量单位", "报告原文"]
    data = xlsx([header, ["一", 1, "新增企业", 12, "家", "新增企业12家"]])
    resource = PreviousYearResultResource(plan=plan, user=superuser)
    resource.import_data(read_rows(data), file_name="成果.xlsx", user=superuser)
    assert PreviousYearResult.objects.filter(name="新增企业").exists()
    assert "新增企业" in _page(client, url)


@pytest.mark.django_db
def test_a_lost_version_never_restarts_from_an_old_number():
    from django.core.cache import cache

    first = public_cache.data_version()
    cache.delete(public_cache.VERSION_KEY)
    assert public_cache.data_version() > first


@pytest.mark.django_db
def test_with_redis_down_pages_render_and_data_still_save(client, plan, settings, caplog):
    settings.CACHES = {
        "default": {
            "BACKEND": "gangmen.redis_cache.SharedClientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/1",  # nothing listens on port 1
        }
    }
    target = make_target(plan)
    make_record(target, datetime.date(2022, 3, 31), value=D(4))
    assert "4 家" in _page(client, target.get_absolute_url())
    assert "cache unavailable" in caplog.text


@pytest.fixture
def redis_cache(settings):
    redis = pytest.importorskip("redis")
    server = redis.Redis.from_url(REDIS_URL)
    try:
        server.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    server.flushdb()
    settings.CACHES = {
        "default": {
            "BACKEND": "gangmen.redis_cache.SharedClientRedisCache",
            "LOCATION": REDIS_URL,
        }
    }
    yield
    server.flushdb()


def _test_database_url():
    """This test run's database as the other process must reach it (PostgreSQL only: an
    in-memory SQLite test database cannot be shared)."""
    db = connection.settings_dict
    if connection.vendor != "postgresql":
        return "sqlite:///:memory:"
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _in_another_process(code):
    """Run Python code in a fresh process of this project, sharing Redis and the database."""
    script = "import django; django.setup()\n" + code
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "gangmen.settings",
        "REDIS_URL": REDIS_URL,
        "DATABASE_URL": _test_database_url(),
    }
    subprocess.run(  # noqa: S603 - our own interpreter running our own code
        [sys.executable, "-c", script], cwd=ROOT, env=environment, check=True, timeout=120
    )


@pytest.mark.django_db
def test_another_process_invalidates_this_ones_cache_through_redis(client, plan, redis_cache):
    target = make_target(plan)
    url = target.get_absolute_url()
    _page(client, url)
    # Written in bulk, so no signal tells the cache: only the other process will.
    ProgressRecord.objects.bulk_create(
        [
            ProgressRecord(
                target=target, as_of=datetime.date(2022, 3, 31), value=D(4), state="published"
            )
        ]
    )
    assert "4 家" not in _page(client, url), "still cached"
    _in_another_process(
        "from tracking.public import cache as public_cache; public_cache.data_changed()"
    )
    assert "4 家" in _page(client, url), "the other process's change reached this one"


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="two processes share a database on PostgreSQL"
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_record_published_by_another_process_shows_here(client, plan, redis_cache):
    target = make_target(plan)
    record = make_record(target, datetime.date(2022, 3, 31), value=D(4), state="submitted")
    make_user("leader", roles.LEADER)
    url = target.get_absolute_url()
    assert "4 家" not in _page(client, url)
    _in_another_process(
        "from django.contrib.auth.models import User\n"
        "from tracking.models import ProgressRecord\n"
        f"ProgressRecord.objects.get(pk={record.pk}).approve(by=User.objects.get(username='leader'))"
    )
    assert "4 家" in _page(client, url)


@pytest.mark.django_db
def test_the_cache_keys_on_the_date_judged_on(client, plan, django_assert_num_queries):
    target = make_target(plan)
    make_record(target, datetime.date(2022, 3, 31), value=D(1))
    make_record(target, datetime.date(2022, 9, 30), value=D(4))
    url = target.get_absolute_url()
    march = _page(client, url + "?on=2022-04-01")
    with django_assert_num_queries(0):
        assert _page(client, url + "?on=2022-04-01") == march, "served from the cache"
    october = _page(client, url + "?on=2022-10-01")
    assert "4 家" in october and "4 家" not in march, "each date has its own answer"


def test_a_forged_host_cannot_plant_its_links_in_what_others_are_served(client, plan, settings):
    """The API's links are absolute, built from the request: the cache key holds scheme and
    host, so an answer made for one Host header is never served to a request for another."""
    settings.ALLOWED_HOSTS = ["tracker.example.gov.cn", "evil.example"]
    url = "/api/v1/plans"
    planted = client.get(url, HTTP_HOST="evil.example").json()
    assert "http://evil.example/" in str(planted)
    served = client.get(url, HTTP_HOST="tracker.example.gov.cn").json()
    assert "evil.example" not in str(served) and "http://tracker.example.gov.cn/" in str(served)
    secure = client.get(url, HTTP_HOST="tracker.example.gov.cn", secure=True).json()
    assert "https://tracker.example.gov.cn/" in str(secure)


@pytest.mark.django_db
def test_a_cached_page_costs_one_round_trip_to_redis_and_one_client(client, plan, redis_cache):
    """A cached page reads its data version and the page itself in one MGET, through the one
    redis-py client the backend keeps for its pool (Django's own builds one per call)."""
    from django.core.cache import cache

    url = make_target(plan).get_absolute_url()
    _page(client, url)  # rendered and stored
    calls = []
    redis_client = cache._cache.get_client()
    original = redis_client.execute_command

    def counted(*args, **options):
        calls.append(args[0])
        return original(*args, **options)

    redis_client.execute_command = counted
    try:
        _page(client, url)
    finally:
        del redis_client.execute_command
    assert calls == ["MGET"]
    assert cache._cache.get_client(write=True) is redis_client
