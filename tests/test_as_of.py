"""Point 1 of issue 13: every public page and the API judge the plan on one date, ``?on=``;
by default today while the plan's year runs, its 31 December once it is over."""

import datetime
import json
from decimal import Decimal as D

import pytest

from tests.conftest import make_plan, make_record, make_target
from tracking.public import views
from tracking.rules.choices import Status

pytestmark = pytest.mark.django_db

DAY = datetime.date


def _today(time_machine, day):
    time_machine.move_to(day)


@pytest.mark.parametrize(
    ("today", "asked", "judged", "moved"),
    [
        (DAY(2022, 7, 5), "", DAY(2022, 7, 5), False),  # the year runs: today
        (DAY(2026, 12, 2), "", DAY(2022, 12, 31), False),  # the year is over: its end
        (DAY(2021, 11, 1), "", DAY(2021, 11, 1), False),  # not begun: today, all "not started"
        (DAY(2026, 12, 2), "2022-06-30", DAY(2022, 6, 30), False),
        (DAY(2026, 12, 2), "2023-03-01", DAY(2022, 12, 31), True),  # after: the year end
        (DAY(2026, 12, 2), "2021-05-01", DAY(2022, 1, 1), True),  # before: its first day
    ],
)
def test_the_judgement_date(rf, plan, time_machine, today, asked, judged, moved):
    _today(time_machine, today)
    found = views.judgement_date(rf.get("/", {"on": asked} if asked else {}), plan)
    assert found.on == judged
    assert (found.asked is not None) == moved, "a moved date is reported to the visitor"


@pytest.mark.parametrize("bad", ["yesterday", "2022-6-30", "2022-02-30", "20220630", "2022-06-30x"])
def test_a_bad_date_is_a_400_that_says_what_a_good_one_looks_like(client, plan, bad):
    response = client.get(plan.get_absolute_url(), {"on": bad})
    assert response.status_code == 400
    body = response.content.decode()
    assert "参数 on 应为 YYYY-MM-DD 格式的日期，如 2022-06-30" in body
    assert f"收到的是“{bad}”" in body


def test_a_bad_date_on_the_api_is_a_json_400(client, plan):
    response = client.get("/api/v1/plans/testtown/2022/targets", {"on": "30/06/2022"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["status"] == 400 and "YYYY-MM-DD" in error["message"]


@pytest.fixture
def gdp(plan):
    target = make_target(
        plan, "M1", kind="growth", measure_unit="亿元", baseline_value=D("17.1"), name="GDP增长"
    )
    make_record(target, DAY(2022, 6, 30), growth_pct=D("6.0"))
    make_record(target, DAY(2022, 11, 30), growth_pct=D("7.5"))
    return target


@pytest.mark.parametrize(
    ("on", "status", "shown"),
    [
        ("2022-03-31", Status.NO_DATA, None),
        ("2022-07-31", Status.AT_RISK, "增长 6%"),
        ("2022-12-01", Status.ON_TRACK, "增长 7.5%"),
        # Past the deadline with November's figure on pace: the full-year figure is missing,
        # not the work (not "overdue" next to 107%).
        ("2022-12-31", Status.YEAR_END_MISSING, "增长 7.5%"),
    ],
)
def test_every_page_and_the_api_judge_on_the_date_asked(client, gdp, on, status, shown):
    plan = gdp.plan
    for url in [plan.get_absolute_url(), gdp.area.get_absolute_url(), gdp.get_absolute_url()]:
        body = client.get(url, {"on": on}).content.decode()
        assert f"badge status-{status.value}" in body, (url, on)
        if shown:
            assert shown in body, (url, on)
        else:
            assert "增长 6%" not in body, "a record after the date must not be shown"
    (row,) = json.loads(client.get("/api/v1/plans/testtown/2022/targets", {"on": on}).content)[
        "items"
    ]
    assert row["status"] == status.value and row["status_on"] == on


def test_a_closed_plan_is_a_year_end_review_by_default(client, gdp, time_machine):
    _today(time_machine, DAY(2026, 12, 2))
    body = client.get(gdp.plan.get_absolute_url()).content.decode()
    assert "年终回顾" in body and "2022年度计划已结束，各目标按年末 2022年12月31日 评估。" in body
    assert "全年完成情况" in body
    assert "缺少全年数据" in body and "badge status-overdue" not in body


def test_a_running_plan_is_judged_today(client, gdp, time_machine):
    _today(time_machine, DAY(2022, 12, 5))
    body = client.get(gdp.plan.get_absolute_url()).content.decode()
    assert "评估日期：2022年12月5日。" in body and "年终回顾" not in body


def test_record_date_and_judgement_date_are_different_words(client, gdp):
    body = client.get(gdp.get_absolute_url(), {"on": "2022-12-10"}).content.decode()
    assert "评估日期" in body and "数据截至 2022年11月30日 的最新已发布记录" in body


def test_the_date_picker_works_without_javascript(client, gdp):
    body = client.get(gdp.plan.get_absolute_url(), {"on": "2022-07-31"}).content.decode()
    assert '<form class="as-of-form screen-only" method="get"' in body
    assert 'type="date" id="as-of-date" name="on" value="2022-07-31"' in body
    assert 'min="2022-01-01" max="2022-12-31"' in body
    assert f'href="{gdp.get_absolute_url()}?on=2022-07-31"' in body, "links keep the date"
    assert 'name="next" value="/testtown/2022/?on=2022-07-31"' in body, "so does the switch"


def test_a_date_outside_the_year_is_moved_into_it_and_said_so(client, gdp):
    body = client.get(gdp.plan.get_absolute_url(), {"on": "2024-01-01"}).content.decode()
    assert "所选日期 2024年1月1日 不在2022年度计划期内，已按 2022年12月31日 评估。" in body


def test_the_cache_keeps_one_answer_per_date(client, gdp):
    url = gdp.get_absolute_url()
    early = client.get(url, {"on": "2022-07-31"}).content.decode()
    late = client.get(url, {"on": "2022-12-01"}).content.decode()
    assert "badge status-at_risk" in early and "badge status-on_track" in late
    again = client.get(url, {"on": "2022-07-31"}).content.decode()
    assert again == early


def test_a_plan_of_a_later_year_defaults_to_today(client, plan, time_machine):
    later = make_plan(2023)
    _today(time_machine, DAY(2023, 4, 1))
    make_target(later, "N1")
    body = client.get(later.get_absolute_url()).content.decode()
    assert "评估日期：2023年4月1日。" in body
