"""Report → draft plan in the admin: who may, what is kept pending, and what accepting writes."""

import datetime
import io
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import make_user
from tracking import roles
from tracking.drafting import report_drafts
from tracking.models import (
    Jurisdiction,
    Plan,
    PreviousYearResult,
    Proposal,
    ReportDraft,
    Target,
)
from tracking.rules import access

SEED_REPORT = Path(__file__).resolve().parent / "data" / "gangmen_2022_report.txt"
SHORT_REPORT = """政府工作报告
——2023年2月20日在城南镇第十九届人民代表大会第三次会议上
一、2022年工作回顾
经济发展稳中有进。全镇实现地区生产总值25.3亿元，同比增长5.2%。新引进企业十个。
二、2023年工作安排
今年的主要预期目标是：地区生产总值增长6%。
（一）聚焦产业发展
全年计划引进项目两个，完成招商投资2.3亿元。深入推进营商环境改革。
"""


@pytest.fixture
def town(db):
    return Jurisdiction.objects.create(name="城南镇", slug="chengnan")


@pytest.fixture
def staff(db):
    from types import SimpleNamespace

    return SimpleNamespace(
        admin=make_user("admin_role", roles.ADMINISTRATOR),
        statistician=make_user("statistician", roles.STATISTICIAN),
        leader=make_user("leader", roles.LEADER),
        reporter=make_user("reporter", roles.REPORTER),
        observer=make_user("observer", roles.OBSERVER),
    )


def _docx(text):
    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("admin", True),
        ("statistician", True),
        ("leader", False),
        ("reporter", False),
        ("observer", False),
    ],
)
def test_only_administrators_and_statistics_staff_draft_plans(client, staff, town, role, allowed):
    user = getattr(staff, role)
    assert access.can_draft_plans(user) is allowed
    client.force_login(user)
    add = client.get(reverse("admin:tracking_reportdraft_add"))
    assert add.status_code == (200 if allowed else 403), role
    draft = report_drafts.create_draft(jurisdiction=town, text=SHORT_REPORT, user=staff.admin)
    accept = client.post(reverse("admin:tracking_reportdraft_accept", args=[draft.pk]))
    assert accept.status_code == (200 if allowed else 403), role
    if allowed:  # every proposal is still pending: the page says so and nothing is written
        assert "还有 6 条建议未决定（采纳或舍弃）。" in accept.content.decode()
    assert Plan.objects.exists() is False
    if not allowed:
        with pytest.raises(PermissionDenied):
            report_drafts.accept(draft, user=user, include_pending=True)


def test_uploading_a_docx_keeps_every_proposal_pending_and_nothing_public(client, staff, town):
    client.force_login(staff.statistician)
    upload = SimpleUploadedFile("城南镇2023.docx", _docx(SHORT_REPORT))
    response = client.post(
        reverse("admin:tracking_reportdraft_add"), {"jurisdiction": town.pk, "upload": upload}
    )
    draft = ReportDraft.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"?draft__id__exact={draft.pk}")
    assert (draft.year, draft.report_date, draft.file_name) == (
        2023,
        datetime.date(2023, 2, 20),
        "城南镇2023.docx",
    )
    assert set(draft.proposals.values_list("decision", flat=True)) == {"pending"}
    assert draft.proposals.filter(category="result").count() == 2
    assert draft.proposals.filter(category="target").count() == 4
    assert not Plan.objects.exists() and not Target.objects.exists()
    review = client.get(response["Location"])
    assert review.status_code == 200
    assert "全年计划引进项目两个" in review.content.decode()


def test_pasted_text_is_read_like_a_file(client, staff, town):
    client.force_login(staff.admin)
    client.post(
        reverse("admin:tracking_reportdraft_add"),
        {"jurisdiction": town.pk, "pasted_text": SHORT_REPORT},
    )
    assert ReportDraft.objects.get().proposals.count() == 6


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.exe", b"MZ", "报告文件“report.exe”的类型不支持，请上传 .txt 或 .docx 文件。"),
        ("report.docx", b"not a zip", "报告文件“report.docx”不是有效的 Word（.docx）文档。"),
        ("report.txt", b"\xff\xfe\x00\xd8", "报告文件“report.txt”不是 UTF-8 或 GBK 编码的文本。"),
    ],
)
def test_a_bad_upload_is_refused_with_its_reason(client, staff, town, name, content, message):
    client.force_login(staff.admin)
    response = client.post(
        reverse("admin:tracking_reportdraft_add"),
        {"jurisdiction": town.pk, "upload": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ReportDraft.objects.exists()


def test_a_gbk_text_file_is_read(staff, town):
    upload = SimpleUploadedFile("report.txt", SHORT_REPORT.encode("gbk"))
    assert report_drafts.read_upload(upload) == SHORT_REPORT


def test_an_oversized_upload_is_refused(staff, town):
    upload = SimpleUploadedFile("big.txt", b"x" * (report_drafts.MAX_UPLOAD_BYTES + 1))
    with pytest.raises(ValidationError, match="超过 5 MB") as error:
        report_drafts.read_upload(upload)
    assert error.value.code == "too_large"


def test_neither_or_both_sources_is_refused(client, staff, town):
    client.force_login(staff.admin)
    response = client.post(reverse("admin:tracking_reportdraft_add"), {"jurisdiction": town.pk})
    assert "请上传报告文件或粘贴报告全文（二者选一）。" in response.content.decode()


def test_staff_edit_and_drop_proposals_on_the_review_list(client, staff, town):
    draft = report_drafts.create_draft(jurisdiction=town, text=SHORT_REPORT, user=staff.admin)
    client.force_login(staff.statistician)
    milestone = draft.proposals.get(kind="milestone")
    investment = draft.proposals.get(kind="amount", measure_unit="亿元")
    url = f"{reverse('admin:tracking_proposal_changelist')}?draft__id__exact={draft.pk}"
    response = client.post(
        url, {"action": "drop_selected", "_selected_action": [milestone.pk], "index": 0}
    )
    assert response.status_code == 302
    # Edit in the list (list_editable): the name of one proposal changes, the rest is kept.
    rows = list(draft.proposals.order_by("category", "position"))
    edited = {"form-TOTAL_FORMS": len(rows), "form-INITIAL_FORMS": len(rows), "_save": "1"}
    for n, row in enumerate(rows):
        name = "招商引资完成投资" if row.pk == investment.pk else row.name
        edited |= {
            f"form-{n}-id": row.pk,
            f"form-{n}-name": name,
            f"form-{n}-kind": row.kind,
            f"form-{n}-value": "" if row.value is None else row.value,
            f"form-{n}-measure_unit": row.measure_unit,
            f"form-{n}-growth_pct": "" if row.growth_pct is None else row.growth_pct,
            f"form-{n}-qualifier": row.qualifier,
            f"form-{n}-quota_period": row.quota_period,
            f"form-{n}-decision": row.decision,
        }
    assert client.post(url, edited).status_code == 302
    investment.refresh_from_db()
    assert investment.name == "招商引资完成投资"
    report_drafts.accept(draft, user=staff.statistician, include_pending=True)
    plan = Plan.objects.get(jurisdiction=town, year=2023)
    assert list(plan.targets.values_list("code", "name", "kind")) == [
        ("M1", "地区生产总值增长", "growth"),
        ("A1-01", "引进项目", "amount"),
        ("A1-02", "招商引资完成投资", "amount"),
    ]
    growth = plan.targets.get(code="M1")
    assert (growth.target_growth_pct, growth.baseline_value, growth.baseline_year) == (
        Decimal(6),
        Decimal("25.3"),
        2022,
    )
    assert list(plan.results.values_list("name", "value", "measure_unit", "growth_pct")) == [
        ("地区生产总值", Decimal("25.3"), "亿元", Decimal("5.2")),
        ("新引进企业", Decimal(10), "个", None),
    ]
    draft.refresh_from_db()
    assert (draft.plan, draft.accepted_by) == (plan, staff.statistician)


def test_accepting_with_undecided_proposals_is_refused_and_writes_nothing(staff, town):
    draft = report_drafts.create_draft(jurisdiction=town, text=SHORT_REPORT, user=staff.admin)
    with pytest.raises(ValidationError) as error:
        report_drafts.accept(draft, user=staff.admin)
    assert error.value.messages == ["还有 6 条建议未决定（采纳或舍弃）。"]
    assert not Plan.objects.exists()


def test_an_invalid_proposal_is_named_and_nothing_is_half_written(staff, town):
    draft = report_drafts.create_draft(jurisdiction=town, text=SHORT_REPORT, user=staff.admin)
    draft.proposals.update(decision=Proposal.Decision.ACCEPTED)
    broken = draft.proposals.get(category="target", measure_unit="个")
    broken.value = None
    broken.save()
    with pytest.raises(ValidationError) as error:
        report_drafts.accept(draft, user=staff.admin)
    assert error.value.messages == [f"{broken}：目标值：此类目标必须填写目标值。"]
    assert not Plan.objects.exists() and not Target.objects.exists()
    assert not PreviousYearResult.objects.exists()
    draft.refresh_from_db()
    assert draft.plan is None


def test_a_draft_never_overwrites_an_existing_plan(staff, town):
    draft = report_drafts.create_draft(jurisdiction=town, text=SHORT_REPORT, user=staff.admin)
    report_drafts.accept(draft, user=staff.admin, include_pending=True)
    again = report_drafts.create_draft(jurisdiction=town, text=SHORT_REPORT, user=staff.admin)
    with pytest.raises(ValidationError) as error:
        report_drafts.accept(again, user=staff.admin, include_pending=True)
    assert error.value.messages == ["城南镇已有2023年度计划，草稿不会覆盖已有计划。"]
    with pytest.raises(ValidationError, match="已生成年度计划，不能再次确认"):
        report_drafts.accept(draft, user=staff.admin, include_pending=True)


def test_an_accepted_draft_is_read_only(client, staff, town):
    draft = report_drafts.create_draft(jurisdiction=town, text=SHORT_REPORT, user=staff.admin)
    report_drafts.accept(draft, user=staff.admin, include_pending=True)
    client.force_login(staff.admin)
    response = client.post(
        reverse("admin:tracking_reportdraft_change", args=[draft.pk]),
        {"jurisdiction": town.pk, "year": 2030, "title": "改", "source": ""},
    )
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.year == 2023


def test_the_accept_page_confirms_in_the_browser_flow(client, staff, town):
    draft = report_drafts.create_draft(jurisdiction=town, text=SHORT_REPORT, user=staff.admin)
    client.force_login(staff.admin)
    url = reverse("admin:tracking_reportdraft_accept", args=[draft.pk])
    page = client.get(url)
    assert "将待定的建议一并采纳" in page.content.decode()
    response = client.post(url, {"include_pending": "on"})
    plan = Plan.objects.get()
    assert response["Location"] == reverse("admin:tracking_plan_change", args=[plan.pk])
    assert plan.targets.count() == 4 and plan.results.count() == 2
    public = client.get(plan.get_absolute_url())
    assert public.status_code == 200


def test_the_seed_report_becomes_a_plan_with_every_area(staff, db):
    gangmen = Jurisdiction.objects.create(name="港门镇", slug="gangmen")
    text = SEED_REPORT.read_text(encoding="utf-8")
    draft = report_drafts.create_draft(jurisdiction=gangmen, text=text, user=staff.admin)
    plan = report_drafts.accept(draft, user=staff.admin, include_pending=True)
    assert plan.areas.count() == 7
    assert plan.results.count() == 104
    assert plan.targets.exclude(kind="milestone").count() == 20
    quota = plan.targets.get(kind="quota")
    assert (quota.area.numeral, quota.target_value, quota.measure_unit, quota.quota_period) == (
        "（二）",
        Decimal(2),
        "篇",
        "month",
    )
    assert all(t.milestones.count() == 3 for t in plan.targets.filter(kind="milestone"))


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_the_review_list_runs_as_many_queries_for_6_proposals_as_for_204(client, staff, town):
    small = report_drafts.create_draft(jurisdiction=town, text=SHORT_REPORT, user=staff.admin)
    big = report_drafts.create_draft(
        jurisdiction=town, text=SEED_REPORT.read_text(encoding="utf-8"), user=staff.admin
    )
    client.force_login(staff.statistician)
    changelist = reverse("admin:tracking_proposal_changelist")
    _queries(client, changelist)  # warm the session
    assert big.proposals.count() > 200
    assert _queries(client, f"{changelist}?draft__id__exact={small.pk}") == _queries(
        client, f"{changelist}?draft__id__exact={big.pk}"
    )
