"""The reporter's home (/office/) built around tasks, and approving several records at once."""

import datetime
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import make_plan, make_record, make_target
from tracking.models import ProgressRecord
from tracking.rules.reporting import current_period

pytestmark = pytest.mark.django_db

State = ProgressRecord.State
MARCH = datetime.date(2022, 3, 31)


def _returned(target, by, reason="请补充合同"):
    record = make_record(target, MARCH, state=State.SUBMITTED, value=D(1))
    record.return_for_changes(by=by, reason=reason)
    return record


def _reported_this_period(unit, code="N1"):
    """A target of this year's plan whose report for the current period is in."""
    plan = make_plan(year=timezone.localdate().year, slug="thisyear", name="本年镇")
    target = make_target(plan, code, name="已报目标", responsible_unit=unit)
    make_record(target, current_period().ends_on, state=State.SUBMITTED, value=D(1))
    return target


def test_returned_first_then_due_then_the_rest_by_area(client, office, time_machine):
    # In January the current period is the last December, before this year's plan begins.
    time_machine.move_to(datetime.date(2026, 7, 5))
    _reported_this_period(office.unit_a)
    _returned(office.target_co, office.leader)
    client.force_login(office.reporter_a)
    response = client.get(reverse("office:my_targets"))
    lists = [[t.code for t in response.context[name]] for name in ("returned", "due", "reported")]
    assert lists == [["C1"], ["A1"], ["N1"]]
    body = response.content.decode()
    assert (
        body.index('<h2 id="returned">退回修改</h2>')
        < body.index("C1 配合目标")
        < body.index('<h2 id="due">本期待报</h2>')
        < body.index('<h3 class="area-title">主要目标</h3>')
        < body.index("A1 甲单位目标")
        < body.index('<h2 id="reported">本期已报</h2>')
        < body.index("N1 已报目标")
    ), "returned first, then due by area, then the rest by area"
    kinds = ("退回待修改", "本期待报", "本期已报")
    counts = " · ".join(f"<span>{kind} 1 项</span>" for kind in kinds)
    assert counts in body, "each count kept with its number (one span each)"
    assert "按退回意见修改" in body and "请补充合同" in body


@pytest.mark.parametrize(
    ("search", "codes"), [("C1", ["C1"]), ("甲单位", ["A1"]), ("目标", ["C1", "A1"]), ("无此", [])]
)
def test_search_finds_targets_by_code_or_name(client, office, search, codes):
    client.force_login(office.reporter_a)
    response = client.get(reverse("office:my_targets"), {"q": search})
    assert sorted(t.code for t in response.context["due"]) == sorted(codes)
    if not codes:
        assert f"没有编号或名称含“{search}”的目标。" in response.content.decode()


def test_my_targets_takes_the_same_queries_for_one_or_many_targets(
    client, office, django_assert_num_queries
):
    client.force_login(office.reporter_a)
    _returned(office.target_a, office.leader)
    client.get(reverse("office:my_targets"))  # the session and the user's roles are warm now
    # 14: the page also finds the reporter's newest plan, whose year decides what is due.
    with django_assert_num_queries(14):
        client.get(reverse("office:my_targets"))
    for n in range(2, 8):
        target = make_target(office.plan, f"A{n}", responsible_unit=office.unit_a)
        _returned(target, office.leader, reason=f"理由{n}")
    with django_assert_num_queries(14):
        response = client.get(reverse("office:my_targets"))
    assert len(response.context["returned"]) == 7, "A1 to A7, each with its reason"


def test_the_public_staff_link_leads_to_the_office_through_the_login(client, office):
    assert 'href="/office/"' in client.get("/").content.decode()
    response = client.get("/office/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/office/"


def test_the_office_shows_who_is_signed_in(client, office):
    office.reporter_a.first_name = "小明"
    office.reporter_a.save()
    client.force_login(office.reporter_a)
    assert "已登录：小明" in client.get(reverse("office:my_targets")).content.decode()


def test_form_errors_are_summarised_at_the_top(client, office):
    client.force_login(office.reporter_a)
    url = reverse("office:report", args=[office.target_a.pk])
    body = client.post(url, {"as_of": "2022-03-31", "value": "-1", "action": "submit"}).content
    body = body.decode()
    summary = body.index('class="error-summary"')
    assert summary < body.index('name="value"'), "the summary comes before the fields"
    assert '<li><a href="#id_value">' in body[summary : body.index('name="value"')]


def test_a_leader_approves_several_records_each_by_the_four_eyes_rule(client, office):
    others = [
        make_record(office.target_a, MARCH, state=State.SUBMITTED, value=D(n), entered_by=who)
        for n, who in ((1, office.reporter_a), (2, office.reporter_b))
    ]
    own = make_record(
        office.target_b, MARCH, state=State.SUBMITTED, value=D(3), entered_by=office.leader
    )
    client.force_login(office.leader)
    listing = client.get(reverse("office:review_list")).content.decode()
    assert f'value="{own.pk}"' not in listing, "no tick box for the leader's own record"
    assert "本人经手，须另一位领导审核" in listing
    response = client.post(
        reverse("office:review_list"), {"records": [r.pk for r in [*others, own]]}, follow=True
    )
    states = {r.pk: r.state for r in ProgressRecord.objects.all()}
    assert states == {others[0].pk: "published", others[1].pk: "published", own.pk: "submitted"}
    shown = [str(m) for m in response.context["messages"]]
    assert any(m.startswith(f"{own}：") and "四眼原则" in m for m in shown), shown
    assert "已审核通过并发布 2 条记录。" in shown


def test_bulk_approval_refuses_records_outside_the_portfolio(client, office):
    record = make_record(office.target_b, MARCH, state=State.SUBMITTED, value=D(1))
    client.force_login(office.leader_a)  # portfolio: unit A only
    response = client.post(reverse("office:review_list"), {"records": [record.pk]})
    assert response.status_code == 200
    assert "所选记录中有一条已不在待审核之列，请刷新后重试。" in response.content.decode()
    record.refresh_from_db()
    assert record.state == State.SUBMITTED


def test_review_list_takes_the_same_queries_for_one_or_many_records(
    client, office, django_assert_num_queries
):
    client.force_login(office.leader)
    make_record(office.target_a, MARCH, state=State.SUBMITTED, value=D(1))
    client.get(reverse("office:review_list"))
    with django_assert_num_queries(10):
        client.get(reverse("office:review_list"))
    for n in range(2, 9):
        make_record(office.target_b, MARCH, state=State.SUBMITTED, value=D(n))
    with django_assert_num_queries(10):
        response = client.get(reverse("office:review_list"))
    assert len(response.context["records"]) == 8
