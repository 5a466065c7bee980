"""The plain public pages and the officials' admin."""

import datetime
from decimal import Decimal as D

import pytest
from django.urls import reverse

from tests.conftest import make_plan, make_record, make_stages, make_target
from tracking.models import ProgressRecord, Target

pytestmark = pytest.mark.django_db


def test_home_without_any_plan_explains_how_to_load_one(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "load_report" in response.content.decode()


def test_home_shows_the_newest_plan(client):
    make_plan(2022)
    make_plan(2023)
    body = client.get("/").content.decode()
    assert "测试镇2023年政府工作报告" in body
    assert "其他年度计划" in body, "older plans stay reachable"


def test_plan_page_links_the_same_towns_other_years_not_every_other_town(client):
    older = make_plan(2022)
    shown = make_plan(2023)
    neighbour = make_plan(2023, slug="neighbour", name="邻镇")
    body = client.get(shown.get_absolute_url()).content.decode()
    assert older.get_absolute_url() in body
    assert neighbour.get_absolute_url() not in body, (
        "a county's hundreds of towns stay off the page"
    )


def test_home_links_every_area_and_the_print_page_lists_every_target(client, gangmen):
    body = client.get("/").content.decode()
    for area in gangmen.areas.all():
        assert area.get_absolute_url() in body, f"area {area} missing from the home page"
    printed = client.get(reverse("tracking:plan_print", args=gangmen.url_args)).content.decode()
    for target in gangmen.targets.all():
        assert target.get_absolute_url() in printed, f"target {target} missing from the report"
    assert printed.count("报告数字不一致") >= 2, "the fixed-asset investment conflict is flagged"


def test_home_shows_latest_published_value_and_status(client, plan):
    target = make_target(plan, name="引入企业", target_value=D(5))
    make_record(target, datetime.date(2022, 3, 31), value=D(2))
    make_record(target, datetime.date(2022, 4, 30), value=D(4))
    make_record(
        target, datetime.date(2022, 5, 31), value=D(5), state=ProgressRecord.State.SUBMITTED
    )
    body = client.get(plan.get_absolute_url()).content.decode()
    assert "4 家" in body
    assert '数据截至 <span class="num">2022年4月30日</span>' in body
    assert "badge status-achieved" not in body, (
        "an unpublished record must not decide the public status"
    )


def test_user_text_is_escaped(client, plan):
    target = make_target(plan, name="<script>alert(1)</script>")
    make_record(target, datetime.date(2022, 3, 31), value=D(1), note="<b>注意</b>")
    for url in (plan.get_absolute_url(), target.get_absolute_url()):
        body = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in body
        assert "&lt;script&gt;" in body


def test_target_page_explains_its_status(client, plan):
    target = make_target(plan, target_value=D(5))
    make_record(target, datetime.date(2022, 6, 30), value=D(1), note="两家在谈")
    body = client.get(target.get_absolute_url()).content.decode()
    assert "计算方法" in body and "49.6%" in body
    assert "判定标准" in body
    assert "两家在谈" in body


def test_target_page_marks_default_stages(client, plan):
    target = make_target(plan, kind=Target.Kind.MILESTONE)
    make_stages(target, 2)
    body = client.get(target.get_absolute_url()).content.decode()
    assert "系统默认阶段" in body


@pytest.mark.parametrize(
    "url",
    ["/nowhere/2022/", "/testtown/1999/", "/testtown/2022/targets/NOPE/"],
)
def test_unknown_plans_and_targets_are_404(client, plan, url):
    assert client.get(url).status_code == 404


ADMIN_MODELS = [
    "jurisdiction",
    "unit",
    "plan",
    "taskarea",
    "target",
    "milestone",
    "progressrecord",
    "previousyearresult",
]


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_admin_list_and_add_pages_open_for_a_superuser(admin_client, gangmen, model):
    for view in ("changelist", "add"):
        response = admin_client.get(reverse(f"admin:tracking_{model}_{view}"))
        assert response.status_code == 200, f"{model} {view}"


def test_admin_target_list_filters_by_status(admin_client, plan):
    done = make_target(plan, "T1", target_value=D(1))
    make_target(plan, "T2")
    make_record(done, datetime.date(2022, 3, 31), value=D(1))
    body = admin_client.get(
        reverse("admin:tracking_target_changelist") + "?status=achieved"
    ).content.decode()
    assert "目标T1" in body and "目标T2" not in body


def test_admin_refuses_a_negative_value_and_saves_nothing(admin_client, plan):
    target = make_target(plan, target_value=D(5))
    response = admin_client.post(
        reverse("admin:tracking_progressrecord_add"),
        {
            "target": target.pk,
            "as_of": "2022-03-31",
            "value": "-3",
            "state": "published",
        },
    )
    assert response.status_code == 200
    assert "累计实际值不能为负数" in response.content.decode()
    assert not ProgressRecord.objects.exists()
