"""The public progress pages: overview, area, target, year in review, errors and languages."""

import datetime
from decimal import Decimal as D

import pytest
from django.urls import reverse

from tests.conftest import make_plan, make_record, make_stages, make_target
from tests.csp import inline_code
from tracking.models import ProgressRecord, Target
from tracking.public import charts

pytestmark = pytest.mark.django_db

SECRET = "未发布的秘密数字"


def _body(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, url
    return response.content.decode()


def test_overview_shows_main_targets_area_summary_latest_date_and_conflicts(client, gangmen):
    gdp = Target.objects.get(plan=gangmen, code="M1")
    make_record(gdp, datetime.date(2022, 3, 31), growth_pct=D("6.8"))
    body = _body(client, "/")
    assert "17.1 亿元" in body, "the 2021 base of GDP"
    assert "增长 7%" in body and "增长 6.8%" in body, "target growth beside the actual"
    assert "最新发布的进度数据截至 2022年3月31日" in body
    assert "报告中前后不一致的数字" in body and "1.25亿元 × 1.2 = 1.5亿元" in body
    assert 'class="status-bar"' in body and '暂无数据 <span class="num">8</span>' in body, (
        "per-area tally"
    )


def test_area_page_lists_each_target_with_its_facts(client, plan):
    target = make_target(
        plan, name="引入企业", target_value=D(5), source_text="年内计划引入企业5家"
    )
    make_record(target, datetime.date(2022, 6, 30), value=D(2))
    body = _body(client, plan.areas.get().get_absolute_url())
    for expected in [
        "引入企业",
        "年内计划引入企业5家",
        "5 家",
        "2 家",
        '数据截至 <span class="num">2022年6月30日</span>',
        'value="40.0"',
        "报告未写明",
        "status-",
    ]:
        assert expected in body, expected
    assert '<progress max="100"' in body


def test_target_page_has_chart_table_reasons_revision_and_corrections(client, plan):
    target = make_target(plan, target_value=D(5))
    make_record(target, datetime.date(2022, 3, 31), value=D(1))
    record = make_record(
        target, datetime.date(2022, 6, 30), value=D(2), shortfall_reason="受疫情影响延期签约"
    )
    record.value = D(3)  # a leader corrects the published figure; history keeps the old one
    record.save()
    target.revise(on=datetime.date(2022, 7, 1), reason="上级调整任务", target_value=D(6))
    body = _body(client, target.get_absolute_url())
    assert '<svg class="chart"' in body and '<polyline class="actual"' in body
    assert "2022年3月31日" in body and "2022年6月30日" in body, "the table twin"
    assert "受疫情影响延期签约" in body
    assert "原定目标" in body and "5 家" in body and "上级调整任务" in body
    assert "已发布数字的更正" in body
    corrections = body.split("已发布数字的更正")[1]
    assert "2 家" in corrections and "3 家" in corrections
    assert "计算方法" in body and "判定标准" in body and "评估日期" in body


def test_a_second_published_record_for_a_date_is_listed_as_a_correction(client, plan):
    target = make_target(plan, target_value=D(5))
    make_record(target, datetime.date(2022, 3, 31), value=D(1))
    make_record(target, datetime.date(2022, 3, 31), value=D(2))
    corrections = ProgressRecord.objects.filter(target=target).corrections()
    assert [(b.value, a.value) for b, a in corrections] == [(D(1), D(2))]
    assert target.assess(datetime.date(2022, 4, 1)).progress_pct == D(40), "the later one counts"


def test_target_page_shows_stages_reached(client, plan):
    target = make_target(plan, kind=Target.Kind.MILESTONE)
    first, *_ = make_stages(target, 3)
    make_record(target, datetime.date(2022, 3, 31), milestone=first)
    body = _body(client, target.get_absolute_url())
    assert body.count("status-achieved") >= 1 and "系统默认阶段" in body


def test_previous_year_groups_results_as_in_the_report(client, gangmen):
    body = _body(client, reverse("tracking:previous_year", args=gangmen.url_args))
    assert "2021年工作回顾" in body
    assert body.index("经济运行") < body.index("文体事业")
    assert "17.1 亿元" in body and "10.6%" in body


def test_unpublished_progress_never_reaches_a_public_page(client, plan):
    target = make_target(plan)
    for state in ("draft", "submitted", "returned"):
        make_record(target, datetime.date(2022, 3, 31), value=D(4), note=SECRET, state=state)
    urls = [
        "/",
        plan.get_absolute_url(),
        reverse("tracking:plan_print", args=plan.url_args),
        plan.areas.get().get_absolute_url(),
        target.get_absolute_url(),
    ]
    for url in urls:
        body = _body(client, url)
        assert SECRET not in body and "4 家" not in body, url


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("/nowhere/2022/", 404),
        ("/testtown/1999/", 404),
        ("/testtown/99999999999999999999/", 404),
        ("/testtown/2022/areas/7/", 404),
        ("/testtown/2022/areas/99999999999/", 404),
        ("/testtown/2022/targets/NOPE/", 404),
        ("/testtown/2022/review/x/", 404),
        ("/testtown/2022/?on=yesterday", 400),
        ("/testtown/2022/targets/NOPE/?on=2022-02-30", 404),
    ],
)
def test_bad_addresses_get_a_friendly_page(client, plan, url, code):
    response = client.get(url)
    assert response.status_code == code
    body = response.content.decode()
    assert 'class="language-switch"' in body and "返回首页" in body


def test_error_page_speaks_the_visitors_language(client, plan):
    client.cookies["django_language"] = "en"
    response = client.get("/nowhere/2022/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.parametrize(
    ("cookie", "accept_language", "html_lang"),
    [
        (None, "en-US,en;q=0.9", "zh-hans"),  # the browser's language never decides
        (None, "", "zh-hans"),
        ("en", "zh-CN", "en"),  # the switch does
        ("zh-hans", "en", "zh-hans"),
    ],
)
def test_chinese_first_unless_the_visitor_switches(
    client, plan, cookie, accept_language, html_lang
):
    if cookie:
        client.cookies["django_language"] = cookie
    body = client.get("/", HTTP_ACCEPT_LANGUAGE=accept_language).content.decode()
    assert f'<html lang="{html_lang}">' in body


def test_language_switch_works_without_javascript(client, plan):
    response = client.post(reverse("switch_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    body = _body(client, "/")
    assert '<html lang="en">' in body
    assert "Staff login" in body


def test_target_page_explains_its_status_in_english(client, plan):
    target = make_target(plan, target_value=D(5))
    make_record(target, datetime.date(2022, 6, 30), value=D(1))
    client.cookies["django_language"] = "en"
    body = _body(client, target.get_absolute_url())
    assert "Why this status" in body and "expected progress = days elapsed" in body
    assert "为什么是这个状态" not in body


@pytest.mark.parametrize(
    "url_name", ["tracking:plan", "tracking:plan_print", "tracking:previous_year"]
)
def test_every_public_page_offers_the_language_switch(client, plan, url_name):
    body = _body(client, reverse(url_name, args=plan.url_args))
    assert 'name="language" value="en"' in body and 'name="language" value="zh-hans"' in body


def test_pages_carry_no_inline_style_or_script(client, gangmen):
    target = Target.objects.get(plan=gangmen, code="M1")
    make_record(target, datetime.date(2022, 3, 31), growth_pct=D(7))
    for url in ["/", target.get_absolute_url(), target.area.get_absolute_url()]:
        assert inline_code(_body(client, url)) == [], url


@pytest.mark.parametrize(
    ("series", "actual_y", "expected_y"),
    [
        # 0–100% drawn over 248 (0%) … 16 (100%): 50% sits half way.
        ([(datetime.date(2022, 7, 2), D(50), D(50))], [132.0], [132.0]),
        # Above the goal the scale grows to the next step of 20%: 0 … 120%.
        ([(datetime.date(2022, 12, 31), D(110), D(100))], [35.3], [54.7]),
    ],
)
def test_progress_chart_geometry(series, actual_y, expected_y):
    chart = charts.progress_chart(series, datetime.date(2022, 1, 1), datetime.date(2022, 12, 31))
    assert [p.y for p in chart.actual] == actual_y
    assert [p.y for p in chart.expected] == expected_y
    assert chart.actual[0].x == pytest.approx(
        64 + 560 * (series[0][0].timetuple().tm_yday - 1) / 364, abs=0.1
    )


def test_progress_chart_needs_a_figure():
    assert charts.progress_chart([(datetime.date(2022, 3, 1), None, None)], *_YEAR) is None


_YEAR = (datetime.date(2022, 1, 1), datetime.date(2022, 12, 31))


def test_stacked_bar_leaves_out_empty_statuses_and_fills_the_width():
    segments = charts.stacked_bar([("achieved", 1), ("on_track", 0), ("behind", 3)])
    assert [(s.status, s.x, s.width) for s in segments] == [
        ("achieved", 0, 25.0),
        ("behind", 25.0, 75.0),
    ]


def test_home_of_an_empty_site_still_works(client):
    assert "load_report" in _body(client, "/")


def test_a_newer_plan_becomes_the_home_page(client, plan):
    make_plan(2023)
    assert "测试镇2023年政府工作报告" in _body(client, "/")


def test_the_admin_login_page_offers_the_language_switch_too(client):
    body = _body(client, reverse("admin:login"))
    assert 'name="language" value="en"' in body
