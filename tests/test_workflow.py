"""Progress entry on the phone page, review, evidence checks and the refusal of lost updates."""

import datetime
import io
import zipfile
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import make_record
from tracking.evidence import sniff_kind
from tracking.models import EditConflict, EvidenceFile, ProgressRecord, ReviewEvent

pytestmark = pytest.mark.django_db

State = ProgressRecord.State
Action = ReviewEvent.Action
MARCH = datetime.date(2022, 3, 31)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


def _docx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def post_report(client, target, action="submit", as_of="2022-03-31", value="3", **fields):
    """Post the phone page's progress form for `target` as the logged-in user."""
    return client.post(
        reverse("office:report", args=[target.pk]),
        {"as_of": as_of, "value": value, "action": action, **fields},
    )


# --- Transitions ------------------------------------------------------------------------------

TRANSITIONS = [
    # (state before, action, who, state after or the error code)
    (State.DRAFT, Action.SUBMIT, "reporter_a", State.SUBMITTED),
    (State.RETURNED, Action.SUBMIT, "reporter_a", State.SUBMITTED),
    (State.SUBMITTED, Action.APPROVE, "leader", State.PUBLISHED),
    (State.SUBMITTED, Action.RETURN, "leader", State.RETURNED),
    (State.SUBMITTED, Action.SUBMIT, "reporter_a", "invalid_transition"),
    (State.PUBLISHED, Action.SUBMIT, "reporter_a", "invalid_transition"),
    (State.DRAFT, Action.APPROVE, "leader", "invalid_transition"),
    (State.PUBLISHED, Action.APPROVE, "leader", "invalid_transition"),
    (State.PUBLISHED, Action.RETURN, "leader", "invalid_transition"),
    (State.SUBMITTED, Action.APPROVE, "reporter_a", "permission"),
    (State.SUBMITTED, Action.APPROVE, "leader_a_other_unit", "permission"),
    (State.DRAFT, Action.SUBMIT, "reporter_b", "permission"),
]


def _do(record, action, user):
    if action == Action.SUBMIT:
        record.submit(by=user)
    elif action == Action.APPROVE:
        record.approve(by=user)
    else:
        record.return_for_changes(by=user, reason="数字与台账不一致")


@pytest.mark.parametrize(("before", "action", "who", "after"), TRANSITIONS)
def test_transition_table(office, before, action, who, after):
    target = office.target_b if who == "leader_a_other_unit" else office.target_a
    user = office.leader_a if who == "leader_a_other_unit" else getattr(office, who)
    record = make_record(target, MARCH, state=before, value=D(2))
    if after == "permission":
        with pytest.raises(PermissionDenied):
            _do(record, action, user)
    elif after == "invalid_transition":
        with pytest.raises(ValidationError) as error:
            _do(record, action, user)
        assert error.value.code == "invalid_transition"
    else:
        _do(record, action, user)
        record.refresh_from_db()
        assert record.state == after
        event = record.review_events.get()
        assert (event.action, event.from_state, event.to_state, event.actor) == (
            action,
            before,
            after,
            user,
        )
        return
    record.refresh_from_db()
    assert record.state == before and not record.review_events.exists(), "nothing changed"


def test_return_needs_a_written_reason(office):
    record = make_record(office.target_a, MARCH, state=State.SUBMITTED, value=D(2))
    with pytest.raises(ValidationError) as error:
        record.return_for_changes(by=office.leader, reason="   ")
    assert "退回时必须填写退回理由" in str(error.value)
    record.refresh_from_db()
    assert record.state == State.SUBMITTED


def test_a_record_starts_as_a_draft_and_is_not_public(office):
    record = ProgressRecord.objects.create(target=office.target_a, as_of=MARCH, value=D(1))
    assert record.state == State.DRAFT
    assert not ProgressRecord.objects.published().exists()


# --- The phone page -------------------------------------------------------------------------


def test_my_targets_lists_the_units_targets_with_their_due_state(client, office, settings):
    settings.REPORTING_DUE_DAY = 10
    client.force_login(office.reporter_a)
    body = client.get(reverse("office:my_targets")).content.decode()
    assert "甲单位目标" in body and "配合目标" in body
    assert "乙单位目标" not in body


def test_my_targets_query_count_does_not_grow_with_targets(
    client, office, django_assert_max_num_queries
):
    for n in range(5):
        record = make_record(office.target_a, MARCH, state=State.SUBMITTED, value=D(n))
        record.return_for_changes(by=office.leader, reason=f"理由{n}")
    client.force_login(office.reporter_a)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("office:my_targets"))
    assert response.content.decode().count("理由") >= 5


def test_reporter_submits_with_evidence_and_leader_approves(client, office, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(office.reporter_a)
    evidence = [
        SimpleUploadedFile("合同.pdf", PDF),
        SimpleUploadedFile("现场.png", PNG),
        SimpleUploadedFile("台账.docx", _docx()),
    ]
    response = post_report(client, office.target_a, note="已签约三家", evidence=evidence)
    assert response.status_code == 302, response.context and response.context["form"].errors
    record = ProgressRecord.objects.get()
    assert (record.state, record.entered_by, record.evidence.count()) == (
        State.SUBMITTED,
        office.reporter_a,
        3,
    )
    assert client.get(office.target_a.get_absolute_url()).content.decode().count("已签约三家") == 0

    client.force_login(office.leader)
    assert "甲单位目标" in client.get(reverse("office:review_list")).content.decode()
    response = client.post(
        reverse("office:review_record", args=[record.pk]),
        {"decision": "approve", "version": record.version},
    )
    assert response.status_code == 302
    assert "已签约三家" in client.get(office.target_a.get_absolute_url()).content.decode()
    evidence = record.evidence.get(original_name="合同.pdf")
    download = client.get(evidence.get_absolute_url())
    assert b"".join(download.streaming_content) == PDF


def _writes(queries, table):
    """The INSERT and UPDATE statements of these captured queries on this table, by verb."""
    quoted = (f'"{table}"', f"`{table}`")
    verbs = [q["sql"].split()[0].upper() for q in queries if any(t in q["sql"] for t in quoted)]
    return {verb: verbs.count(verb) for verb in ("INSERT", "UPDATE") if verb in verbs}


def test_a_phone_submit_inserts_the_record_once_already_submitted(client, office):
    client.force_login(office.reporter_a)
    with CaptureQueriesContext(connection) as captured:
        response = post_report(client, office.target_a)
    assert response.status_code == 302
    assert _writes(captured, "tracking_progressrecord") == {"INSERT": 1}, "saved more than once"
    assert _writes(captured, "tracking_historicalprogressrecord") == {"INSERT": 1}
    record = ProgressRecord.objects.get()
    assert record.state == State.SUBMITTED
    assert list(record.review_events.values_list("from_state", "to_state")) == [
        (State.DRAFT, State.SUBMITTED)
    ]


def test_submitting_a_saved_draft_from_the_phone_updates_it_once(client, office):
    client.force_login(office.reporter_a)
    post_report(client, office.target_a, action="draft")
    draft = ProgressRecord.objects.get()
    with CaptureQueriesContext(connection) as captured:
        response = client.post(
            reverse("office:edit_record", args=[draft.pk]),
            {"as_of": "2022-03-31", "value": "4", "action": "submit", "version": draft.version},
        )
    assert response.status_code == 302, response.context and response.context["form"].errors
    # The version claim (UPDATE ... SET version) and the save itself; no second save.
    assert _writes(captured, "tracking_progressrecord") == {"UPDATE": 2}
    draft.refresh_from_db()
    assert (draft.state, draft.value, draft.version) == (State.SUBMITTED, D(4), 2)


def test_returned_record_shows_its_reason_to_the_reporter(client, office):
    record = make_record(office.target_a, MARCH, state=State.SUBMITTED, value=D(2))
    client.force_login(office.leader)
    client.post(
        reverse("office:review_record", args=[record.pk]),
        {"decision": "return", "reason": "请补充合同", "version": record.version},
    )
    client.force_login(office.reporter_a)
    assert "请补充合同" in client.get(reverse("office:my_targets")).content.decode()
    edit = client.get(reverse("office:edit_record", args=[record.pk]))
    assert "请补充合同" in edit.content.decode()


def test_return_without_reason_is_refused_on_the_review_page(client, office):
    record = make_record(office.target_a, MARCH, state=State.SUBMITTED, value=D(2))
    client.force_login(office.leader)
    response = client.post(
        reverse("office:review_record", args=[record.pk]),
        {"decision": "return", "reason": "", "version": record.version},
    )
    assert "退回时必须填写退回理由" in response.content.decode()
    record.refresh_from_db()
    assert record.state == State.SUBMITTED


def test_draft_is_saved_without_review(client, office):
    client.force_login(office.reporter_a)
    post_report(client, office.target_a, action="draft", value="1")
    record = ProgressRecord.objects.get()
    assert record.state == State.DRAFT and not record.review_events.exists()


@pytest.mark.parametrize(
    ("post", "message"),
    [
        ({"as_of": "2022-03-31", "value": "-3"}, "累计实际值不能为负数"),
        ({"as_of": "2021-12-31", "value": "3"}, "截至日期必须在2022年度计划期内"),
        ({"as_of": "2022-03-31", "value": ""}, "请填写累计实际值"),
    ],
)
def test_invalid_figure_is_refused_by_the_models_rule(client, office, post, message):
    client.force_login(office.reporter_a)
    response = post_report(client, office.target_a, **post)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ProgressRecord.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "accepted"),
    [
        ("合同.pdf", PDF, True),
        ("照片.PNG", PNG, True),
        ("台账.docx", _docx(), True),
        ("旧表.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, True),
        ("病毒.pdf", EXE, False),
        ("病毒.exe", EXE, False),
        ("改名.pdf", PNG, False),
        ("网页.pdf", b"<html><script>alert(1)</script></html>", False),
    ],
)
def test_evidence_is_judged_by_its_content(name, content, accepted):
    assert (sniff_kind(content, name) is not None) is accepted


def test_disguised_exe_is_refused_and_nothing_saved(client, office, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(office.reporter_a)
    evidence = [SimpleUploadedFile("合同.pdf", PDF), SimpleUploadedFile("扫描.pdf", EXE)]
    response = post_report(client, office.target_a, evidence=evidence)
    assert "文件“扫描.pdf”不是允许的佐证材料" in response.content.decode()
    assert not ProgressRecord.objects.exists() and not EvidenceFile.objects.exists()
    assert not list(tmp_path.rglob("*.*")), "no file written"


def test_oversized_file_is_refused(client, office, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.EVIDENCE_MAX_BYTES = 1024
    client.force_login(office.reporter_a)
    evidence = [SimpleUploadedFile("大.pdf", PDF + b" " * 2048)]
    response = post_report(client, office.target_a, action="draft", evidence=evidence)
    body = response.content.decode().replace("\xa0", " ")
    assert "文件“大.pdf”大小为2.0 KB，超过了1.0 KB的上限" in body
    assert not ProgressRecord.objects.exists()


def test_submitted_record_cannot_be_edited_by_the_reporter(client, office):
    record = make_record(office.target_a, MARCH, state=State.SUBMITTED, value=D(2))
    client.force_login(office.reporter_a)
    assert client.get(reverse("office:edit_record", args=[record.pk])).status_code == 403


def test_correction_of_a_published_figure_is_a_new_record(client, office):
    make_record(office.target_a, MARCH, state=State.PUBLISHED, value=D(2))
    client.force_login(office.reporter_a)
    post_report(client, office.target_a, note="更正")
    assert list(office.target_a.records.values_list("state", "value").order_by("pk")) == [
        (State.PUBLISHED, D(2)),
        (State.SUBMITTED, D(3)),
    ]


# --- Admin actions --------------------------------------------------------------------------


def test_admin_actions_approve_and_return_with_reason(client, office):
    first = make_record(office.target_a, MARCH, state=State.SUBMITTED, value=D(1))
    second = make_record(office.target_a, MARCH, state=State.SUBMITTED, value=D(2))
    url = reverse("admin:tracking_progressrecord_changelist")
    client.force_login(office.leader)
    client.post(url, {"action": "approve_records", "_selected_action": [first.pk]})
    page = client.post(url, {"action": "return_records", "_selected_action": [second.pk]})
    assert "退回理由" in page.content.decode(), "asks for a reason first"
    client.post(
        url,
        {"action": "return_records", "_selected_action": [second.pk], "reason": "缺少佐证"},
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == (State.PUBLISHED, State.RETURNED)
    assert second.review_events.get(action=Action.RETURN).reason == "缺少佐证"


def test_admin_approve_action_skips_records_outside_the_portfolio(client, office):
    other = make_record(office.target_b, MARCH, state=State.SUBMITTED, value=D(1))
    client.force_login(office.leader_a)
    client.post(
        reverse("admin:tracking_progressrecord_changelist"),
        {"action": "approve_records", "_selected_action": [other.pk]},
    )
    other.refresh_from_db()
    assert other.state == State.SUBMITTED


def test_admin_home_shows_who_reported_who_is_late_and_the_review_queue(
    client, office, time_machine
):
    time_machine.move_to(datetime.date(2022, 4, 11))
    make_record(office.target_a, MARCH, state=State.SUBMITTED, value=D(1))
    client.force_login(office.leader)
    body = client.get(reverse("admin:index")).content.decode()
    assert "本期报送情况：2022年3月（截止 2022年4月10日）" in body
    assert "<td>经济发展办</td><td>1</td><td>1</td>" in body, "A leads A1 and reported it"
    assert "<td>农业农村办</td><td>2</td><td>0</td>" in body, "B leads B1 and C1"
    assert "逾期 2 项未报" in body, "B's targets are late"
    assert "1 条进度记录等待审核" in body


def test_the_admin_and_the_office_count_the_same_records_awaiting_a_leaders_review(client, office):
    make_record(office.target_a, MARCH, state=State.SUBMITTED, value=D(1))
    make_record(office.target_b, MARCH, state=State.SUBMITTED, value=D(1))
    client.force_login(office.leader_a)  # reviews unit A's targets only
    admin_home = client.get(reverse("admin:index")).content.decode()
    office_home = client.get(reverse("office:my_targets")).content.decode()
    admin_filter = client.get(reverse("admin:tracking_progressrecord_changelist") + "?review=mine")
    review_list = client.get(reverse("office:review_list"))
    assert "1 条进度记录等待审核" in admin_home, "the admin home counts only unit A's record"
    assert "1 条记录待审核" in office_home
    assert admin_filter.context["cl"].result_count == 1
    assert [r.target for r in review_list.context["records"]] == [office.target_a]


# --- Lost updates ---------------------------------------------------------------------------


def test_later_of_two_concurrent_saves_is_refused(office):
    record = make_record(office.target_a, MARCH, state=State.DRAFT, value=D(1))
    mine = ProgressRecord.objects.get(pk=record.pk)
    theirs = ProgressRecord.objects.get(pk=record.pk)
    mine.value = D(2)
    mine.save()
    theirs.value = D(3)
    with pytest.raises(EditConflict):
        theirs.save()
    record.refresh_from_db()
    assert record.value == D(2)


def test_stale_office_form_is_refused_with_a_clear_message(client, office):
    record = make_record(office.target_a, MARCH, state=State.DRAFT, value=D(1))
    stale_version = record.version
    record.value = D(2)
    record.save()
    client.force_login(office.reporter_a)
    response = client.post(
        reverse("office:edit_record", args=[record.pk]),
        {"as_of": "2022-03-31", "value": "9", "version": stale_version, "action": "draft"},
    )
    assert "已被他人修改" in response.content.decode()
    record.refresh_from_db()
    assert record.value == D(2)


def test_stale_admin_form_is_refused(client, office):
    target = office.target_a
    client.force_login(office.statistician)
    url = reverse("admin:tracking_target_change", args=[target.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {k: "" if v is None else v for k, v in data.items()}
    data["co_units"] = [u.pk for u in target.co_units.all()]
    data.update(
        {
            "milestones-TOTAL_FORMS": 0,
            "milestones-INITIAL_FORMS": 0,
            "records-TOTAL_FORMS": 0,
            "records-INITIAL_FORMS": 0,
        }
    )
    target.name = "别人改过的名称"
    target.save()
    data["name"] = "我的名称"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "已被他人修改" in response.content.decode()
    target.refresh_from_db()
    assert target.name == "别人改过的名称"


def test_demo_official_is_a_reporter_of_a_labelled_demo_unit(plan, settings, capsys):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from tests.conftest import make_target
    from tracking.rules import access

    settings.DEBUG = True
    target = make_target(plan)
    call_command("create_demo_official")
    call_command("create_demo_official")  # running it again changes nothing
    demo = get_user_model().objects.get(username="demo")
    assert access.can_report_on(demo, target)
    target.refresh_from_db()
    assert target.responsible_unit is None, "the report names no lead unit; none is invented"
    assert "仅供演示" in target.co_units.get().name
    assert "仅供演示" in capsys.readouterr().out


@pytest.mark.parametrize(("persona", "offered"), [("leader", True), ("reporter_a", False)])
def test_the_office_pages_offer_the_review_list_only_to_reviewers(client, office, persona, offered):
    client.force_login(getattr(office, persona))
    body = client.get(reverse("office:my_targets")).content.decode()
    assert (f'href="{reverse("office:review_list")}"' in body) == offered
