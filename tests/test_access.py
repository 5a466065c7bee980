"""The permission matrix: every role × action × own/other unit, in the rule and over HTTP."""

import datetime
from decimal import Decimal as D

import pytest
from django.urls import reverse

from tests.conftest import make_record
from tracking.models import ProgressRecord, Target
from tracking.rules import access

pytestmark = pytest.mark.django_db

DRAFT, PUBLISHED = ProgressRecord.State.DRAFT, ProgressRecord.State.PUBLISHED
SUBMITTED = ProgressRecord.State.SUBMITTED
MARCH = datetime.date(2022, 3, 31)


def _record(target, state):
    return make_record(target, MARCH, state=state, value=D(1))


# action → how to ask the rule about one target (own = unit A's, other = unit B's)
ACTIONS = {
    "view_target": lambda user, target: access.can_view_target(user, target),
    "report_on": lambda user, target: access.can_report_on(user, target),
    "change_draft": lambda user, target: access.can_change_record(user, _record(target, DRAFT)),
    "change_published": lambda user, target: access.can_change_record(
        user, _record(target, PUBLISHED)
    ),
    "delete_draft": lambda user, target: access.can_delete_record(user, _record(target, DRAFT)),
    "delete_published": lambda user, target: access.can_delete_record(
        user, _record(target, PUBLISHED)
    ),
    "submit_draft": lambda user, target: access.can_submit(user, _record(target, DRAFT)),
    "review": lambda user, target: access.can_review(user, _record(target, SUBMITTED)),
    "change_target": lambda user, target: access.can_change_target(user, target),
    "import_records": lambda user, target: (
        access.can_import(user, "progressrecord") and access.can_report_on(user, target)
    ),
    "import_targets": lambda user, target: access.can_import(user, "target"),
    "import_results": lambda user, target: access.can_import(user, "previousyearresult"),
}

# role: {action: (own unit, other unit)}
Y, N = True, False
MATRIX = {
    "admin": {a: (Y, Y) for a in ACTIONS} | {"delete_published": (N, N)},
    "leader": {
        "view_target": (Y, Y),
        "report_on": (N, N),
        "change_draft": (Y, Y),
        "change_published": (Y, Y),
        "delete_draft": (N, N),
        "delete_published": (N, N),
        "submit_draft": (N, N),
        "review": (Y, Y),
        "change_target": (Y, Y),
        "import_records": (N, N),
        "import_targets": (N, N),
        "import_results": (N, N),
    },
    "leader_a": {
        "view_target": (Y, Y),
        "report_on": (N, N),
        "change_draft": (Y, N),
        "change_published": (Y, N),
        "delete_draft": (N, N),
        "delete_published": (N, N),
        "submit_draft": (N, N),
        "review": (Y, N),
        "change_target": (Y, N),
        "import_records": (N, N),
        "import_targets": (N, N),
        "import_results": (N, N),
    },
    "reporter_a": {
        "view_target": (Y, N),
        "report_on": (Y, N),
        "change_draft": (Y, N),
        "change_published": (N, N),
        "delete_draft": (Y, N),
        "delete_published": (N, N),
        "submit_draft": (Y, N),
        "review": (N, N),
        "change_target": (N, N),
        # Only statistics staff and administrators import spreadsheets (issue 5).
        "import_records": (N, N),
        "import_targets": (N, N),
        "import_results": (N, N),
    },
    "statistician": {
        "view_target": (Y, Y),
        "report_on": (Y, Y),
        "change_draft": (Y, Y),
        "change_published": (N, N),
        "delete_draft": (Y, Y),
        "delete_published": (N, N),
        "submit_draft": (Y, Y),
        "review": (N, N),
        "change_target": (Y, Y),
        "import_records": (Y, Y),
        "import_targets": (Y, Y),
        "import_results": (Y, Y),
    },
    "observer": {a: (N, N) for a in ACTIONS} | {"view_target": (Y, Y)},
    "outsider": {a: (N, N) for a in ACTIONS},
}

CASES = [
    (role, action, side, allowed[0 if side == "own" else 1])
    for role, actions in MATRIX.items()
    for action, allowed in actions.items()
    for side in ("own", "other")
]


def test_the_matrix_covers_every_role_the_site_creates_and_every_action(office):
    from django.contrib.auth.models import Group

    covered = {group.name for role in MATRIX for group in getattr(office, role).groups.all()}
    assert set(Group.objects.values_list("name", flat=True)) == covered, "a role without rows"
    assert all(set(actions) == set(ACTIONS) for actions in MATRIX.values()), "an action left out"


@pytest.mark.parametrize(("role", "action", "side", "expected"), CASES)
def test_permission_matrix(office, role, action, side, expected):
    user = getattr(office, role)
    target = office.target_a if side == "own" else office.target_b
    assert ACTIONS[action](user, target) is expected, f"{role} {action} on {side} unit's target"


def test_co_unit_reporters_see_and_report_on_the_target(office):
    assert access.can_view_target(office.reporter_a, office.target_co)
    assert access.can_report_on(office.reporter_a, office.target_co)
    assert list(Target.objects.reportable_by(office.reporter_a).order_by("code")) == [
        office.target_a,
        office.target_co,
    ], "each target once, though A leads one and helps with the other"


def test_inactive_user_gets_nothing(office):
    office.reporter_a.is_active = False
    office.reporter_a.save()
    assert not Target.objects.visible_to(office.reporter_a).exists()


def test_reporter_lists_only_their_units_records(office):
    own = _record(office.target_a, DRAFT)
    _record(office.target_b, DRAFT)
    assert list(ProgressRecord.objects.visible_to(office.reporter_a)) == [own]


# Over HTTP: a guessed URL for another unit's row is refused and shows nothing of it.

HTTP_CASES = [
    # (role, page, own unit status, other unit status)
    ("reporter_a", "office_report", 200, 404),
    ("reporter_a", "office_edit_draft", 200, 404),
    ("reporter_a", "office_review", 404, 404),
    ("reporter_a", "evidence", 200, 404),
    ("leader_a", "office_report", 404, 404),
    ("leader_a", "office_review", 200, 404),
    ("leader", "office_review", 200, 200),
    ("observer", "office_report", 404, 404),
    ("observer", "office_review", 404, 404),
    ("statistician", "office_report", 200, 200),
    ("statistician", "office_review", 404, 404),
]


def _page_url(page, target, user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tracking.models import EvidenceFile

    if page == "office_report":
        return reverse("office:report", args=[target.pk])
    if page == "office_edit_draft":
        return reverse("office:edit_record", args=[_record(target, DRAFT).pk])
    if page == "office_review":
        return reverse("office:review_record", args=[_record(target, SUBMITTED).pk])
    evidence = EvidenceFile.objects.create(
        record=_record(target, DRAFT),
        file=SimpleUploadedFile("a.pdf", b"%PDF-1.4 test"),
        original_name="a.pdf",
        size_bytes=13,
        uploaded_by=user,
    )
    return evidence.get_absolute_url()


@pytest.mark.parametrize(("role", "page", "own_status", "other_status"), HTTP_CASES)
def test_office_pages_refuse_other_units(
    client, office, settings, tmp_path, role, page, own_status, other_status
):
    settings.MEDIA_ROOT = tmp_path
    user = getattr(office, role)
    client.force_login(user)
    for target, expected in ((office.target_a, own_status), (office.target_b, other_status)):
        response = client.get(_page_url(page, target, user))
        assert response.status_code == expected, f"{role} {page} {target}"
        if expected == 404:
            assert target.name not in response.content.decode(errors="ignore")


@pytest.mark.parametrize("role", ["reporter_a", "observer"])
def test_review_list_is_forbidden_without_review_permission(client, office, role):
    client.force_login(getattr(office, role))
    assert client.get(reverse("office:review_list")).status_code == 403


def test_anonymous_is_sent_to_login(client, office):
    response = client.get(reverse("office:my_targets"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_reporter_posting_to_another_units_target_saves_nothing(client, office):
    client.force_login(office.reporter_a)
    response = client.post(
        reverse("office:report", args=[office.target_b.pk]),
        {"as_of": "2022-03-31", "value": "3", "action": "submit"},
    )
    assert response.status_code == 404
    assert not ProgressRecord.objects.exists()


@pytest.mark.parametrize(
    ("role", "other_status"),
    [("reporter_a", "hidden"), ("observer", "readonly"), ("leader_a", "readonly")],
)
def test_admin_record_change_page_by_role(admin_client, client, office, role, other_status):
    own = _record(office.target_a, DRAFT)
    other = _record(office.target_b, DRAFT)
    client.force_login(getattr(office, role))
    url = reverse("admin:tracking_progressrecord_change", args=[other.pk])
    response = client.get(url)
    if other_status == "hidden":
        assert response.status_code == 302, "a record out of scope is treated as not existing"
        assert (
            client.get(reverse("admin:tracking_progressrecord_changelist"))
            .context["cl"]
            .result_count
            == 1
        )
    else:
        assert response.status_code == 200
        assert not response.context["has_change_permission"]
    response = client.get(reverse("admin:tracking_progressrecord_change", args=[own.pk]))
    assert response.status_code == 200


def test_admin_add_form_offers_only_reportable_targets(client, office):
    client.force_login(office.reporter_a)
    form = client.get(reverse("admin:tracking_progressrecord_add")).context["adminform"].form
    assert set(form.fields["target"].queryset) == {office.target_a, office.target_co}
    response = client.post(
        reverse("admin:tracking_progressrecord_add"),
        {"target": office.target_b.pk, "as_of": "2022-03-31", "value": "1"},
    )
    assert response.status_code == 200 and not ProgressRecord.objects.exists()


def test_admin_history_of_another_units_record_is_forbidden(client, office):
    other = _record(office.target_b, DRAFT)
    client.force_login(office.reporter_a)
    url = reverse("admin:tracking_progressrecord_history", args=[other.pk])
    assert client.get(url).status_code == 403
    other.delete()
    assert client.get(url).status_code == 403, "deleted rows are looked up in history too"


# Scopes beyond targets and records: units and their members, stages, and their histories.


def test_reporters_see_only_their_own_units_and_members(client, office):
    client.force_login(office.reporter_a)
    listed = client.get(reverse("admin:tracking_unit_changelist")).context["cl"].result_list
    assert [unit.name for unit in listed] == ["经济发展办"]
    other = reverse("admin:tracking_unit_change", args=[office.unit_b.pk])
    assert client.get(other).status_code == 302, "another unit does not exist for them"
    history = reverse("admin:tracking_unit_history", args=[office.unit_b.pk])
    assert client.get(history).status_code == 403
    own = client.get(reverse("admin:tracking_unit_change", args=[office.unit_a.pk]))
    assert own.status_code == 200 and "reporter_b" not in own.content.decode()


def test_the_units_export_follows_the_same_scope(client, office):
    client.force_login(office.reporter_a)
    response = client.post(reverse("admin:tracking_unit_export"), {"format": "1", "resource": "0"})
    body = response.content.decode("utf-8-sig")
    assert response.status_code == 200, body[:300]
    assert "经济发展办" in body and "农业农村办" not in body


@pytest.mark.parametrize("role", ["leader", "statistician", "observer", "admin"])
def test_roles_that_see_every_target_see_every_unit(client, office, role):
    client.force_login(getattr(office, role))
    listed = client.get(reverse("admin:tracking_unit_changelist")).context["cl"].result_list
    assert {unit.name for unit in listed} == {"经济发展办", "农业农村办"}


def test_stages_and_their_history_follow_the_scope_of_their_target(client, office):
    from tests.conftest import make_stages

    own_stage, *_ = make_stages(office.target_a, 1)
    other_stage, *_ = make_stages(office.target_b, 1)
    client.force_login(office.reporter_a)
    listed = client.get(reverse("admin:tracking_milestone_changelist")).context["cl"].result_list
    assert list(listed) == [own_stage]
    for view in ("history", "change"):
        url = reverse(f"admin:tracking_milestone_{view}", args=[other_stage.pk])
        assert client.get(url).status_code in (302, 403), f"{view} of another unit's stage"
    own = reverse("admin:tracking_milestone_history", args=[own_stage.pk])
    assert client.get(own).status_code == 200
    deleted = reverse("admin:tracking_milestone_history", args=[other_stage.pk])
    other_stage.delete()
    assert client.get(deleted).status_code == 403, "deleted stages are looked up in history too"


def _tracking_imports(nodes):
    """The tracking modules these statements import (`from tracking import x`: tracking.x)."""
    import ast

    found = set()
    for node in nodes:
        if isinstance(node, ast.ImportFrom) and node.module == "tracking":
            found |= {f"tracking.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tracking."):
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("tracking")}
    return found


def test_access_builds_on_the_models_and_the_models_never_import_access():
    import ast
    from pathlib import Path

    access = ast.parse(Path("tracking/rules/access.py").read_text())
    models = ast.parse(
        "\n".join(p.read_text() for p in sorted(Path("tracking/models").glob("*.py")))
    )
    assert "tracking.models" in _tracking_imports(access.body), "access imports models at its top"
    assert "tracking.rules.access" not in _tracking_imports(ast.walk(models)), "nor late: no cycle"
