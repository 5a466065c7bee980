"""The supervision report (督查通报): counts per status, area and unit; lagging, overdue and early
targets with their reasons; the staff page, the Word document and the workbook."""

import datetime
import io
from decimal import Decimal

import docx
import openpyxl
import pytest
from django.urls import reverse

from tests.conftest import make_record, make_target, make_user
from tracking import roles
from tracking.models import TaskArea, Unit
from tracking.office import supervision
from tracking.rules.choices import Status

ON = datetime.date(2022, 6, 30)


@pytest.fixture
def supervised(plan):
    """Six targets of two areas and two units (one target with none), each in a known state on
    30 June 2022 (expected pace 49.6%)."""
    unit_a = Unit.objects.create(jurisdiction=plan.jurisdiction, name="经济发展办")
    unit_b = Unit.objects.create(jurisdiction=plan.jurisdiction, name="农业农村办")
    area = TaskArea.objects.create(plan=plan, position=1, numeral="（一）", title="产业发展")
    early = make_target(plan, "A1", name="引入企业", responsible_unit=unit_a, area=area)
    make_record(early, datetime.date(2022, 5, 31), value=Decimal(5))
    behind = make_target(plan, "A2", name="新建厂房", responsible_unit=unit_a, area=area)
    make_record(behind, datetime.date(2022, 3, 31), value=Decimal(0), shortfall_reason="旧原因")
    make_record(behind, ON, value=Decimal(1), shortfall_reason="用地指标未落实")
    at_risk = make_target(plan, "A3", name="扩大种植", responsible_unit=unit_b, area=area)
    make_record(at_risk, ON, value=Decimal("2.2"), shortfall_reason="天气影响")
    overdue = make_target(
        plan, "B1", name="完成验收", responsible_unit=unit_b, deadline=datetime.date(2022, 3, 31)
    )
    make_record(overdue, datetime.date(2022, 3, 31), value=Decimal(1), shortfall_reason="资料不全")
    make_target(plan, "B2", name="暂无进度", responsible_unit=unit_b)
    make_target(plan, "B3", name="无牵头单位")
    # A record after the as-of date does not count, nor its reason.
    make_record(at_risk, datetime.date(2022, 7, 31), value=Decimal(5), shortfall_reason="之后")
    return plan


def test_counts_per_status_area_and_unit(supervised):
    report = supervision.build(supervised, ON)
    assert {line.target.code: line.assessment.status for line in report.lines} == {
        "B1": Status.OVERDUE,
        "B2": Status.NO_DATA,
        "B3": Status.NO_DATA,
        "A1": Status.ACHIEVED,
        "A2": Status.BEHIND,
        "A3": Status.AT_RISK,
    }
    overall = {status: (count, pct) for status, count, pct in report.overall.counts if count}
    assert overall == {
        Status.ACHIEVED: (1, Decimal("16.7")),
        Status.AT_RISK: (1, Decimal("16.7")),
        Status.BEHIND: (1, Decimal("16.7")),
        Status.OVERDUE: (1, Decimal("16.7")),
        Status.NO_DATA: (2, Decimal("33.3")),
    }
    assert [(g.label, g.total, g.count(Status.NO_DATA)) for g in report.by_area] == [
        ("主要目标", 3, 2),
        ("（一）产业发展", 3, 0),
    ]
    assert [(g.label, g.total) for g in report.by_unit] == [
        ("农业农村办", 3),
        ("经济发展办", 2),
        ("未明确牵头单位", 1),
    ]


def test_lagging_overdue_and_early_targets_with_their_reasons(supervised):
    report = supervision.build(supervised, ON)
    assert [(line.target.code, line.unit_name, line.reason) for line in report.lagging] == [
        ("A2", "经济发展办", "用地指标未落实"),
        ("A3", "农业农村办", "天气影响"),
    ]
    assert [(line.target.code, line.reason) for line in report.overdue] == [("B1", "资料不全")]
    assert [line.target.code for line in report.completed_early] == ["A1"]
    assert report.summary == (
        "截至2022-06-30，测试镇2022年政府工作报告共有目标任务6项，其中已完成1项，占16.7%；"
        "存在风险1项，占16.7%；进度滞后1项，占16.7%；逾期未完成1项，占16.7%；暂无数据2项，占33.3%。"
    )


@pytest.mark.parametrize(("part", "whole", "pct"), [(17, 220, "7.7"), (1, 3, "33.3"), (0, 0, "0")])
def test_percentages_as_a_report_writes_them(part, whole, pct):
    assert supervision.percent(part, whole) == Decimal(pct)


def _url(plan, **query):
    url = reverse("tracking:supervision", args=plan.url_args)
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.mark.parametrize(
    ("role", "status_code"),
    [
        (roles.ADMINISTRATOR, 200),
        (roles.LEADER, 200),
        (roles.STATISTICIAN, 200),
        (roles.OBSERVER, 200),
        (roles.REPORTER, 403),
        (None, 403),
    ],
)
def test_the_page_is_for_staff_who_see_everything(client, supervised, role, status_code):
    client.force_login(make_user("someone", role))
    assert client.get(_url(supervised, on=ON)).status_code == status_code


def test_anonymous_visitors_are_sent_to_the_login(client, supervised):
    response = client.get(_url(supervised, on=ON))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_page_lists_the_lagging_with_reasons_in_fixed_queries(
    client, supervised, django_assert_num_queries
):
    client.force_login(make_user("observer", roles.OBSERVER))
    url = _url(supervised, on=ON)
    client.get(url)  # warm the session and the user's groups
    # session, user, user and group permissions, groups (role), plan, targets, milestones,
    # records, sub-tasks (none here, so no nodes), and the session's save (in a savepoint)
    # that every staff request makes.
    with django_assert_num_queries(13):
        response = client.get(url)
    page = response.content.decode()
    assert "用地指标未落实" in page and "天气影响" in page and "资料不全" in page
    assert "旧原因" not in page and "之后" not in page
    assert "format=docx" in page and "format=xlsx" in page


def test_a_bad_date_is_refused_with_a_message(client, supervised):
    client.force_login(make_user("observer", roles.OBSERVER))
    response = client.get(_url(supervised, on="2022-13-01"))
    assert response.status_code == 400
    assert "输入一个有效的日期。" in response.content.decode()


def test_the_word_document_gives_the_title_the_tally_and_the_lagging_task_with_its_reason(
    client, supervised
):
    client.force_login(make_user("leader", roles.LEADER))
    response = client.get(_url(supervised, on=ON, format="docx"))
    assert response["Content-Disposition"] == (
        'attachment; filename="testtown-2022-supervision-20220630.docx"'
    )
    document = docx.Document(io.BytesIO(response.content))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "测试镇2022年政府工作报告目标任务督查通报"
    assert texts[1].startswith("截至2022-06-30，测试镇2022年政府工作报告共有目标任务6项")
    lagging = document.tables[3]
    assert [cell.text for cell in lagging.rows[1].cells] == [
        "A2",
        "新建厂房",
        "（一）产业发展",
        "经济发展办",
        "进度滞后",
        "20.0%",
        "用地指标未落实",
    ]
    assert [c.text for c in document.tables[5].rows[1].cells][:4] == [
        "A1",
        "引入企业",
        "经济发展办",
        "2022-05-31",
    ]


def test_the_workbook_has_a_sheet_per_part_of_the_report_with_units_and_overdue_reasons(
    client, supervised
):
    client.force_login(make_user("statistician", roles.STATISTICIAN))
    response = client.get(_url(supervised, on=ON, format="xlsx"))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "说明",
        "总体情况",
        "按任务领域",
        "按牵头单位",
        "进度滞后及存在风险的任务",
        "逾期未完成的任务",
        "提前完成的任务",
        "分解任务推进情况",
    ]
    units = [[cell.value for cell in row] for row in book["按牵头单位"].iter_rows()]
    assert units[1][:2] == ["农业农村办", 3]
    overdue = [[cell.value for cell in row] for row in book["逾期未完成的任务"].iter_rows()]
    assert overdue[1][0] == "B1" and overdue[1][-1] == "资料不全"


def test_a_reason_that_looks_like_a_formula_stays_text(client, supervised):
    line = supervision.build(supervised, ON).lagging[0]
    record = line.target.records.get(as_of=ON)
    record.shortfall_reason = '=HYPERLINK("http://x")'
    record.save()
    client.force_login(make_user("statistician", roles.STATISTICIAN))
    response = client.get(_url(supervised, on=ON, format="xlsx"))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book["进度滞后及存在风险的任务"]["G2"].value == '\'=HYPERLINK("http://x")'
