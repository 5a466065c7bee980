"""The audit trail: every change keeps who, when and before/after; deletes lose nothing."""

import datetime
from decimal import Decimal as D

import pytest
from django.urls import reverse

from tests.conftest import make_record
from tracking.models import PreviousYearResult, ProgressRecord

pytestmark = pytest.mark.django_db

MARCH = datetime.date(2022, 3, 31)


def test_edit_through_the_admin_records_who_and_before_after(client, office):
    target = office.target_a
    client.force_login(office.statistician)
    url = reverse("admin:tracking_target_change", args=[target.pk])
    form = client.get(url).context["adminform"].form
    data = {name: "" if form[name].value() is None else form[name].value() for name in form.fields}
    data.update(
        {
            "name": "引进企业（修订）",
            "milestones-TOTAL_FORMS": 0,
            "milestones-INITIAL_FORMS": 0,
            "records-TOTAL_FORMS": 0,
            "records-INITIAL_FORMS": 0,
        }
    )
    data["co_units"] = []
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    latest, before = target.history.all()[:2]
    assert latest.history_user == office.statistician
    delta = latest.diff_against(before)
    assert [(c.field, c.old, c.new) for c in delta.changes if c.field == "name"] == [
        ("name", "甲单位目标", "引进企业（修订）")
    ]


def test_leader_editing_a_published_record_leaves_the_old_figure_in_history(office):
    record = make_record(office.target_a, MARCH, state=ProgressRecord.State.PUBLISHED, value=D(2))
    record.value = D(3)
    record.save()
    assert list(record.history.values_list("value", flat=True)) == [D(3), D(2)]


def test_deleting_keeps_the_history(office):
    record = make_record(office.target_a, MARCH, state=ProgressRecord.State.DRAFT, value=D(2))
    pk = record.pk
    record.delete()
    history = ProgressRecord.history.filter(id=pk)
    assert [h.history_type for h in history] == ["-", "+"]
    assert history.first().value == D(2)


def test_review_steps_are_in_the_history_too(office):
    record = make_record(office.target_a, MARCH, state=ProgressRecord.State.SUBMITTED, value=D(2))
    record.approve(by=office.leader)
    assert list(record.history.values_list("state", flat=True)) == ["published", "submitted"]


def test_previous_year_results_keep_history(office):
    result = PreviousYearResult.objects.create(
        plan=office.plan,
        section="一",
        position=1,
        name="地区生产总值",
        value=D("17.1"),
        source_text="测试",
    )
    result.value = D("17.2")
    result.save()
    assert result.history.count() == 2


def test_history_page_opens_in_the_admin_for_those_who_may_see(client, office):
    record = make_record(office.target_a, MARCH, state=ProgressRecord.State.DRAFT, value=D(2))
    record.value = D(3)
    record.save()
    client.force_login(office.observer)
    url = reverse("admin:tracking_progressrecord_history", args=[record.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 2


def test_history_versions_cannot_be_written_back(client, office):
    record = make_record(office.target_a, MARCH, state=ProgressRecord.State.SUBMITTED, value=D(2))
    record.approve(by=office.leader)
    old = record.history.earliest()
    client.force_login(office.admin)
    url = reverse("admin:tracking_progressrecord_simple_history", args=[record.pk, old.history_id])
    assert client.get(url).status_code == 200
    assert client.post(url, {"value": "2"}).status_code == 403
    record.refresh_from_db()
    assert record.state == ProgressRecord.State.PUBLISHED
