"""Reporting periods, the overdue list and the reminder e-mails; accounts are throttled."""

import datetime
from decimal import Decimal as D

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from tests.conftest import make_record
from tracking.models import ProgressRecord
from tracking.rules.reporting import period_before

DAY = datetime.date


@pytest.mark.parametrize(
    ("today", "months", "due_day", "period"),
    [
        (DAY(2022, 7, 5), 1, 10, (DAY(2022, 6, 1), DAY(2022, 6, 30), DAY(2022, 7, 10))),
        (DAY(2022, 7, 31), 1, 10, (DAY(2022, 6, 1), DAY(2022, 6, 30), DAY(2022, 7, 10))),
        (DAY(2022, 1, 3), 1, 5, (DAY(2021, 12, 1), DAY(2021, 12, 31), DAY(2022, 1, 5))),
        (DAY(2022, 3, 1), 1, 28, (DAY(2022, 2, 1), DAY(2022, 2, 28), DAY(2022, 3, 28))),
        (DAY(2022, 7, 5), 3, 15, (DAY(2022, 4, 1), DAY(2022, 6, 30), DAY(2022, 7, 15))),
        (DAY(2022, 2, 1), 3, 10, (DAY(2021, 10, 1), DAY(2021, 12, 31), DAY(2022, 1, 10))),
    ],
)
def test_reporting_period(today, months, due_day, period):
    found = period_before(today, months=months, due_day=due_day)
    assert (found.starts_on, found.ends_on, found.due_on) == period


def test_period_is_late_only_after_the_due_day():
    period = period_before(DAY(2022, 7, 5))
    assert not period.is_late(DAY(2022, 7, 10)) and period.is_late(DAY(2022, 7, 11))


@pytest.mark.django_db
def test_reminders_mail_the_reporters_of_late_units_only(office, capsys):
    office.reporter_a.email = "a@example.com"
    office.reporter_a.save()
    office.reporter_b.email = "b@example.com"
    office.reporter_b.save()
    office.leader_a.email = "leader@example.com"
    office.leader_a.save()
    make_record(office.target_a, DAY(2022, 4, 8), state=ProgressRecord.State.SUBMITTED, value=D(1))
    call_command("send_reminders", date=DAY(2022, 4, 11))
    output = capsys.readouterr().out
    assert "农业农村办：2 项逾期未报" in output and "经济发展办" not in output
    assert [m.to for m in mail.outbox] == [["b@example.com"]], "reporters of B only, no leader"
    assert "B1 乙单位目标" in mail.outbox[0].body and "/office/" in mail.outbox[0].body
    assert "2022年3月" in mail.outbox[0].subject


@pytest.mark.django_db
def test_a_draft_does_not_count_as_reported(office):
    office.reporter_a.email = "a@example.com"
    office.reporter_a.save()
    make_record(office.target_a, DAY(2022, 3, 31), state=ProgressRecord.State.DRAFT, value=D(1))
    call_command("send_reminders", date=DAY(2022, 4, 11), stdout=None)
    assert any(m.to == ["a@example.com"] for m in mail.outbox)


@pytest.mark.django_db
def test_no_reminder_before_the_due_day_or_in_a_dry_run(office, capsys):
    office.reporter_b.email = "b@example.com"
    office.reporter_b.save()
    call_command("send_reminders", date=DAY(2022, 4, 10))
    call_command("send_reminders", date=DAY(2022, 4, 11), dry_run=True)
    assert not mail.outbox
    assert "尚未逾期" in capsys.readouterr().out


@pytest.mark.django_db
def test_repeated_wrong_passwords_lock_the_login(client, office, settings):
    url = reverse("admin:login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": "reporter_a", "password": "wrong"})
    response = client.post(url, {"username": "reporter_a", "password": "pw"})
    assert response.status_code == 429
    assert "登录已被暂时锁定" in response.content.decode()


@pytest.mark.django_db
def test_right_password_logs_in_through_the_throttled_backend(client, office):
    response = client.post(
        reverse("admin:login"), {"username": "reporter_a", "password": "pw", "next": "/office/"}
    )
    assert response.status_code == 302 and response["Location"] == "/office/"


@pytest.mark.django_db
def test_a_session_ends_with_the_browser_and_after_two_idle_hours_not_while_in_use(
    client, office, time_machine
):
    login_at = datetime.datetime(2022, 7, 5, 9, 0, tzinfo=datetime.UTC)
    time_machine.move_to(login_at, tick=False)
    response = client.post(
        reverse("admin:login"), {"username": "reporter_a", "password": "pw", "next": "/office/"}
    )
    cookie = response.cookies["sessionid"]
    assert not cookie["expires"] and not cookie["max-age"], "a cookie the browser forgets"
    hour = datetime.timedelta(hours=1)
    for used_at in (1.9 * hour, 3.8 * hour):  # each request moves the end on by two hours
        time_machine.move_to(login_at + used_at, tick=False)
        assert client.get(reverse("office:my_targets")).status_code == 200, used_at
    time_machine.move_to(login_at + 5.9 * hour, tick=False)  # 2 h 6 min after the last request
    response = client.get(reverse("office:my_targets"))
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize(
    ("today", "period"),
    [
        (DAY(2022, 7, 5), (DAY(2022, 6, 1), DAY(2022, 6, 30))),  # the year runs
        (DAY(2023, 1, 5), (DAY(2022, 12, 1), DAY(2022, 12, 31))),
        (DAY(2026, 11, 2), (DAY(2022, 12, 1), DAY(2022, 12, 31))),  # never November 2026
    ],
)
def test_a_plans_reporting_periods_end_with_its_year(plan, today, period):
    from tracking.rules.reporting import current_period

    found = current_period(today, plan)
    assert (found.starts_on, found.ends_on) == period


@pytest.mark.django_db
def test_the_office_never_asks_for_a_period_after_the_plans_year(client, office, time_machine):
    time_machine.move_to(DAY(2026, 11, 2))
    client.force_login(office.reporter_a)
    body = client.get(reverse("office:my_targets")).content.decode()
    assert "本期应报：2022年12月进度" in body and "2026年" not in body


@pytest.mark.django_db
def test_reminders_after_the_year_ask_for_its_last_period_only(office, capsys):
    call_command("send_reminders", date=DAY(2026, 11, 2))
    assert len(mail.outbox) == 2, "one per late unit"
    for message in mail.outbox:
        assert "2022年12月" in message.subject and "2026" not in message.subject
    assert "（测试镇 2022，2022年12月）" in capsys.readouterr().out
