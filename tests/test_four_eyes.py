"""Separation of duties (issue 11): four eyes on every approval, corrections that leave the public
figure in place, a review trail nobody can destroy, imports that respect the workflow, a form
that saves once however often it is posted, and the checks a reviewer sees before approving."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import make_record, make_target
from tests.spreadsheet_files import xlsx
from tracking.models import ProgressRecord, ReviewEvent
from tracking.spreadsheets import read_rows
from tracking.spreadsheets.resources import ProgressRecordResource

pytestmark = pytest.mark.django_db

State = ProgressRecord.State
Action = ReviewEvent.Action
MARCH = datetime.date(2022, 3, 31)
APRIL = datetime.date(2022, 4, 30)
OWN_RECORD_REFUSAL = (
    "这条记录由您填报、修改或提交，不能由您本人审核通过（四眼原则）；"
    "请由另一位分管该目标的审核领导审核。"
)


# --- Four eyes ------------------------------------------------------------------------------

# (who entered it, who last changed or submitted it, who approves, allowed with the default
# setting, allowed with ALLOW_SELF_APPROVAL)
APPROVALS = [
    ("reporter_a", "reporter_a", "leader", True, True),
    ("leader", None, "leader", False, True),
    ("reporter_a", "leader", "leader", False, True),
    ("admin", None, "admin", False, True),
    ("reporter_a", "admin", "admin", False, True),
    ("leader", None, "leader_a", True, True),
    ("admin", None, "leader", True, True),
]


@pytest.mark.parametrize(("entered", "changed", "approver", "allowed", "allowed_alone"), APPROVALS)
@pytest.mark.parametrize("self_approval", [False, True])
def test_nobody_approves_a_record_they_entered_or_changed(
    office, settings, entered, changed, approver, allowed, allowed_alone, self_approval
):
    settings.ALLOW_SELF_APPROVAL = self_approval
    record = make_record(
        office.target_a,
        MARCH,
        state=State.SUBMITTED,
        value=D(2),
        entered_by=getattr(office, entered),
        changed_by=getattr(office, changed) if changed else None,
    )
    expected = allowed_alone if self_approval else allowed
    if expected:
        record.approve(by=getattr(office, approver))
        record.refresh_from_db()
        assert record.state == State.PUBLISHED
        return
    with pytest.raises(PermissionDenied) as refusal:
        record.approve(by=getattr(office, approver))
    assert str(refusal.value) == OWN_RECORD_REFUSAL
    record.refresh_from_db()
    assert record.state == State.SUBMITTED and not record.review_events.exists()


def test_whoever_submits_a_record_cannot_approve_it(office):
    draft = make_record(office.target_a, MARCH, state=State.DRAFT, value=D(2))
    draft.submit(by=office.admin)
    with pytest.raises(PermissionDenied):
        draft.approve(by=office.admin)
    draft.approve(by=office.leader)
    assert [e.action for e in draft.review_events.all()] == [Action.SUBMIT, Action.APPROVE]


def test_review_page_explains_why_a_leader_cannot_approve_their_own_record(client, office):
    record = make_record(
        office.target_a, MARCH, state=State.SUBMITTED, value=D(2), changed_by=office.leader
    )
    client.force_login(office.leader)
    url = reverse("office:review_record", args=[record.pk])
    page = client.get(url).content.decode()
    assert "您可以退回，但不能审核通过（四眼原则）" in page
    response = client.post(url, {"decision": "approve", "version": record.version})
    assert response.status_code == 200
    assert OWN_RECORD_REFUSAL in response.content.decode()
    record.refresh_from_db()
    assert record.state == State.SUBMITTED


def test_admin_approve_action_names_the_records_refused_by_four_eyes(client, office):
    own = make_record(office.target_a, MARCH, state=State.SUBMITTED, value=D(1))
    own.changed_by = office.leader
    own.save()
    theirs = make_record(office.target_a, APRIL, state=State.SUBMITTED, value=D(2))
    client.force_login(office.leader)
    response = client.post(
        reverse("admin:tracking_progressrecord_changelist"),
        {"action": "approve_records", "_selected_action": [own.pk, theirs.pk]},
        follow=True,
    )
    messages = [str(m) for m in response.context["messages"]]
    assert f"{own}：{OWN_RECORD_REFUSAL}" in messages
    assert "已处理 1 条记录。" in messages
    own.refresh_from_db()
    theirs.refresh_from_db()
    assert (own.state, theirs.state) == (State.SUBMITTED, State.PUBLISHED)


# --- A leader's change is a correction, reviewed by someone else -----------------------------


def _admin_change(client, record, **changes):
    url = reverse("admin:tracking_progressrecord_change", args=[record.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {k: "" if v is None else v for k, v in data.items()}
    data.update(
        {
            "evidence-TOTAL_FORMS": 0,
            "evidence-INITIAL_FORMS": 0,
            "review_events-TOTAL_FORMS": 0,
            "review_events-INITIAL_FORMS": 0,
            **changes,
        }
    )
    return client.post(url, data, follow=True)


@pytest.mark.parametrize("state", [State.PUBLISHED, State.SUBMITTED])
def test_a_leaders_change_becomes_a_correction_and_the_public_figure_stays(client, office, state):
    record = make_record(
        office.target_a, MARCH, state=state, value=D(2), entered_by=office.reporter_a
    )
    client.force_login(office.leader)
    response = _admin_change(client, record, value="4")
    assert response.status_code == 200
    record.refresh_from_db()
    assert (record.state, record.value) == (state, D(2)), "the stored record is untouched"
    correction = ProgressRecord.objects.exclude(pk=record.pk).get()
    assert (correction.state, correction.value, correction.as_of) == (State.SUBMITTED, D(4), MARCH)
    assert (correction.entered_by, correction.changed_by) == (office.leader, office.leader)
    event = correction.review_events.get()
    assert (event.action, event.actor) == (Action.SUBMIT, office.leader)
    assert event.reason == f"更正第{record.pk}号记录（{record.get_state_display()}）"
    if state == State.PUBLISHED:
        page = client.get(office.target_a.get_absolute_url()).content.decode()
        assert office.target_a.assess(MARCH).progress_pct == D(40), "2 of 5 until approved"
        assert "待审核" not in page
    with pytest.raises(PermissionDenied):
        correction.approve(by=office.leader)
    correction.approve(by=office.leader_a)
    assert office.target_a.assess(MARCH).progress_pct == D(80)


def test_a_draft_is_still_edited_in_place_and_remembers_who_changed_it(client, office):
    record = make_record(office.target_a, MARCH, state=State.DRAFT, value=D(2))
    client.force_login(office.reporter_a)
    _admin_change(client, record, value="3")
    record.refresh_from_db()
    assert (record.value, record.changed_by, ProgressRecord.objects.count()) == (
        D(3),
        office.reporter_a,
        1,
    )


# --- The review trail cannot be destroyed ----------------------------------------------------


@pytest.mark.parametrize(
    ("history", "deletable"),
    [
        ([], True),  # a draft never submitted
        ([Action.SUBMIT], False),
        ([Action.SUBMIT, Action.RETURN], False),  # returned: back in the unit's hands, kept
        ([Action.SUBMIT, Action.APPROVE], False),
    ],
)
def test_only_a_draft_never_submitted_is_deleted(client, office, history, deletable):
    record = make_record(office.target_a, MARCH, state=State.DRAFT, value=D(2))
    for action in history:
        if action == Action.SUBMIT:
            record.submit(by=office.reporter_a)
        elif action == Action.APPROVE:
            record.approve(by=office.leader)
        else:
            record.return_for_changes(by=office.leader, reason="请补充")
    client.force_login(office.reporter_a)
    url = reverse("admin:tracking_progressrecord_delete", args=[record.pk])
    response = client.post(url, {"post": "yes"})
    assert ProgressRecord.objects.filter(pk=record.pk).exists() is not deletable
    if not deletable:
        assert response.status_code == 403
        assert ReviewEvent.objects.filter(record=record).count() == len(history)


def test_review_events_outlive_any_attempt_to_delete_their_record(office):
    record = make_record(office.target_a, MARCH, state=State.DRAFT, value=D(2))
    record.submit(by=office.reporter_a)
    with pytest.raises(ProtectedError):
        record.delete()
    assert record.review_events.count() == 1


def test_a_record_is_withdrawn_with_a_reason_instead(client, office):
    record = make_record(office.target_a, MARCH, state=State.SUBMITTED, value=D(2))
    client.force_login(office.reporter_a)
    url = reverse("admin:tracking_progressrecord_changelist")
    page = client.post(url, {"action": "withdraw_records", "_selected_action": [record.pk]})
    assert "撤回理由" in page.content.decode(), "asks for a reason first"
    client.post(
        url,
        {"action": "withdraw_records", "_selected_action": [record.pk], "reason": "重复填报"},
    )
    record.refresh_from_db()
    assert record.state == State.WITHDRAWN
    event = record.review_events.get()
    assert (event.action, event.actor, event.reason) == (
        Action.WITHDRAW,
        office.reporter_a,
        "重复填报",
    )
    assert "已撤回" not in client.get(reverse("office:my_targets")).content.decode(), (
        "a withdrawn record is no longer among the official's open records"
    )


@pytest.mark.parametrize(
    ("state", "who", "outcome"),
    [
        (State.DRAFT, "reporter_a", State.WITHDRAWN),
        (State.SUBMITTED, "reporter_a", State.WITHDRAWN),
        (State.RETURNED, "statistician", State.WITHDRAWN),
        (State.PUBLISHED, "reporter_a", "invalid_transition"),
        (State.SUBMITTED, "reporter_b", "permission"),
        (State.SUBMITTED, "leader", "permission"),
        (State.SUBMITTED, "reporter_a", "no reason"),
    ],
)
def test_withdrawal_rules(office, state, who, outcome):
    from django.core.exceptions import ValidationError

    record = make_record(office.target_a, MARCH, state=state, value=D(2))
    reason = "" if outcome == "no reason" else "重复填报"
    if outcome == State.WITHDRAWN:
        record.withdraw(by=getattr(office, who), reason=reason)
        record.refresh_from_db()
        assert record.state == State.WITHDRAWN
        return
    expected = PermissionDenied if outcome == "permission" else ValidationError
    with pytest.raises(expected) as refusal:
        record.withdraw(by=getattr(office, who), reason=reason)
    if outcome == "no reason":
        assert refusal.value.message_dict == {"reason": ["撤回时必须填写理由。"]}
    record.refresh_from_db()
    assert record.state == state and not record.review_events.exists()


def test_review_events_are_listed_in_the_admin_within_the_users_scope(client, office):
    own = make_record(office.target_a, MARCH, state=State.DRAFT, value=D(1))
    other = make_record(office.target_b, MARCH, state=State.DRAFT, value=D(1))
    own.submit(by=office.reporter_a)
    other.submit(by=office.reporter_b)
    client.force_login(office.reporter_a)
    response = client.get(reverse("admin:tracking_reviewevent_changelist"))
    assert [e.record for e in response.context["cl"].result_list] == [own]
    other_event = other.review_events.get()
    url = reverse("admin:tracking_reviewevent_change", args=[other_event.pk])
    assert client.get(url).status_code == 302, "out of scope: treated as missing"
    own_event = own.review_events.get()
    page = client.get(reverse("admin:tracking_reviewevent_change", args=[own_event.pk]))
    assert page.status_code == 200 and not page.context["has_change_permission"]
    assert not page.context["has_delete_permission"]


# --- Imports go through the same transition -------------------------------------------------

HEADER = ["目标编号", "截至日期", "累计实际值"]


def _import(plan, user, rows, dry_run=False):
    resource = ProgressRecordResource(plan=plan, user=user)
    return resource.import_data(
        read_rows(xlsx([HEADER, *rows])), dry_run=dry_run, file_name="进度.xlsx", user=user
    )


WAITING = (
    "第2行，“截至日期”列：该目标截至2022-03-31的记录已报送、正在等待审核，导入不能改写它。"
    "请先由审核领导审核通过或退回，再导入更正。"
)
SOMEONE_ELSES = (
    "第2行，“截至日期”列：该目标截至2022-03-31的记录是reporter_a的草稿，导入不能改写他人的草稿。"
    "请reporter_a本人提交或删除后再导入。"
)


@pytest.mark.parametrize(
    ("state", "entered", "outcome"),
    [
        (State.SUBMITTED, None, WAITING),
        (State.DRAFT, "reporter_a", SOMEONE_ELSES),
        (State.RETURNED, "reporter_a", SOMEONE_ELSES),
        (State.DRAFT, "statistician", "updated"),
        (State.RETURNED, "statistician", "updated"),
        (State.PUBLISHED, "reporter_a", "beside"),
        (State.WITHDRAWN, "reporter_a", "beside"),
    ],
)
def test_an_import_rewrites_only_the_importers_own_drafts(office, state, entered, outcome):
    existing = make_record(
        office.target_a,
        MARCH,
        state=state,
        value=D(1),
        entered_by=getattr(office, entered) if entered else None,
    )
    result = _import(office.plan, office.statistician, [["A1", "2022-03-31", "3"]])
    existing.refresh_from_db()
    if outcome == "updated":
        assert result.messages() == []
        assert (existing.value, existing.state, existing.changed_by) == (
            D(3),
            State.SUBMITTED,
            office.statistician,
        )
        event = existing.review_events.get()
        assert (event.from_state, event.to_state, event.actor, event.reason) == (
            state,
            State.SUBMITTED,
            office.statistician,
            "表格导入",
        )
    elif outcome == "beside":
        assert result.messages() == []
        assert (existing.value, existing.state) == (D(1), state)
        added = ProgressRecord.objects.exclude(pk=existing.pk).get()
        assert (added.value, added.state) == (D(3), State.SUBMITTED)
    else:
        assert result.messages() == [outcome]
        assert (existing.value, existing.state) == (D(1), state)
        assert ProgressRecord.objects.count() == 1 and not ReviewEvent.objects.exists()


def test_an_import_submits_through_the_transition_rule_in_a_fixed_number_of_queries(
    office, django_assert_max_num_queries
):
    targets = [make_target(office.plan, f"X{n}", responsible_unit=office.unit_a) for n in range(30)]
    rows = [[t.code, "2022-03-31", "1"] for t in targets]
    with django_assert_max_num_queries(40):
        result = _import(office.plan, office.statistician, rows)
    assert result.totals["new"] == 30
    assert ReviewEvent.objects.filter(action=Action.SUBMIT, actor=office.statistician).count() == 30


def test_an_imported_record_is_not_approved_by_its_importer(office):
    office.statistician.groups.add(*office.leader.groups.all())  # statistics staff and leader
    _import(office.plan, office.statistician, [["A1", "2022-03-31", "3"]])
    record = ProgressRecord.objects.get()
    with pytest.raises(PermissionDenied):
        record.approve(by=office.statistician)


# --- Double submit ---------------------------------------------------------------------------


def test_two_identical_posts_of_one_entry_form_create_one_record(client, office):
    client.force_login(office.reporter_a)
    url = reverse("office:report", args=[office.target_a.pk])
    token = client.get(url).context["form"]["entry_token"].value()
    post = {"as_of": "2022-03-31", "value": "3", "action": "submit", "entry_token": token}
    first = client.post(url, post)
    second = client.post(url, post)
    assert (first.status_code, second.status_code) == (302, 302)
    record = ProgressRecord.objects.get()
    assert record.review_events.count() == 1, "submitted once"
    fresh = client.get(url).context["form"]["entry_token"].value()
    assert fresh != token, "a new form is a new entry"
    client.post(url, {**post, "entry_token": fresh, "value": "4"})
    assert ProgressRecord.objects.count() == 2


def test_a_token_does_not_let_one_official_reach_anothers_record(client, office):
    client.force_login(office.reporter_a)
    url = reverse("office:report", args=[office.target_co.pk])
    token = client.get(url).context["form"]["entry_token"].value()
    client.post(url, {"as_of": "2022-03-31", "value": "3", "action": "draft", "entry_token": token})
    client.force_login(office.reporter_b)
    response = client.post(
        url, {"as_of": "2022-03-31", "value": "9", "action": "draft", "entry_token": token}
    )
    assert "这张表单已由他人提交过，本次未保存。请重新打开填报页面再填写。" in (
        response.content.decode()
    )
    assert list(ProgressRecord.objects.values_list("value", "entered_by__username")) == [
        (D(3), "reporter_a")
    ], "the second official's post is neither saved nor merged into the first's"


# --- What a reviewer sees before approving --------------------------------------------------


@pytest.mark.parametrize(
    ("goal", "published", "value", "warnings"),
    [
        (D(500), None, D(450), []),
        (D(500), None, D(5000), []),  # exactly 10 times: a warning only beyond it
        (
            D(500),
            None,
            D(5000000),
            ["累计实际值5000000是目标值500亩的10倍以上，请核对是否多输了数位或用错了计量单位。"],
        ),
        (D(500), D(300), D(320), []),
        (
            D(500),
            D(300),
            D(30),
            ["累计实际值30低于上次发布的300亩（截至2022-03-31）；累计数一般不会减少，请核对。"],
        ),
    ],
)
def test_approval_warnings(plan, goal, published, value, warnings):
    target = make_target(plan, "L1", measure_unit="亩", target_value=goal)
    falling = make_target(
        plan,
        "L2",
        measure_unit="亩",
        target_value=goal,
        direction="decrease",
        baseline_value=D(900),
    )
    if published is not None:
        make_record(falling, MARCH, value=published)
    assert make_record(falling, APRIL, state=State.SUBMITTED, value=value).approval_warnings() == [
        warning for warning in warnings if "10倍" in warning
    ], "a figure that should fall may fall"
    if published is not None:
        make_record(target, MARCH, value=published)
    record = make_record(target, APRIL, state=State.SUBMITTED, value=value)
    assert record.approval_warnings() == warnings


def test_the_review_page_shows_the_warnings(client, office):
    record = make_record(office.target_a, MARCH, state=State.SUBMITTED, value=D(5000))
    client.force_login(office.leader)
    page = client.get(reverse("office:review_record", args=[record.pk])).content.decode()
    assert "审核前请核对" in page
    assert "累计实际值5000是目标值5家的10倍以上" in page


def test_the_admin_shows_the_warnings_before_and_after_approval(client, office):
    record = make_record(office.target_a, MARCH, state=State.SUBMITTED, value=D(5000))
    warning = "累计实际值5000是目标值5家的10倍以上，请核对是否多输了数位或用错了计量单位。"
    client.force_login(office.leader)
    page = client.get(reverse("admin:tracking_progressrecord_change", args=[record.pk]))
    assert warning in page.content.decode()
    response = client.post(
        reverse("admin:tracking_progressrecord_changelist"),
        {"action": "approve_records", "_selected_action": [record.pk]},
        follow=True,
    )
    assert f"{record} 已发布，请核对：{warning}" in [str(m) for m in response.context["messages"]]


def test_a_correction_is_inserted_once_already_submitted(office):
    published = make_record(office.target_a, MARCH, value=D(3))
    published.value = D(4)
    with CaptureQueriesContext(connection) as captured:
        correction = published.correct(by=office.leader)
    writes = [
        q["sql"].split()[0]
        for q in captured
        if '"tracking_progressrecord"' in q["sql"] or "`tracking_progressrecord`" in q["sql"]
    ]
    assert [w for w in writes if w in ("INSERT", "UPDATE")] == ["INSERT"]
    assert list(correction.review_events.values_list("from_state", "to_state")) == [
        (State.DRAFT, State.SUBMITTED)
    ]
