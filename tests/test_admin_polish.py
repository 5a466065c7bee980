"""The admin as the office reads it: figures as written, local times, states in words, Chinese."""

import datetime
from decimal import Decimal as D

import pytest
from django.urls import reverse

from tests.conftest import make_record
from tracking.models import ImportRun, ProgressRecord, ReviewEvent

pytestmark = pytest.mark.django_db

MARCH = datetime.date(2022, 3, 31)


def test_record_list_shows_figures_as_written_and_the_state_in_words(client, office):
    make_record(office.target_a, MARCH, state=ProgressRecord.State.SUBMITTED, value=D("17.1"))
    client.force_login(office.admin)
    body = client.get(reverse("admin:tracking_progressrecord_changelist")).content.decode()
    assert '<td class="field-actual">17.1 家</td>' in body
    assert "17.1000" not in body
    assert '<td class="field-state">已报送待审核</td>' in body


def test_a_figure_is_offered_for_editing_without_padding(client, office):
    record = make_record(office.target_a, MARCH, state=ProgressRecord.State.DRAFT, value=D("2.5"))
    client.force_login(office.admin)
    body = client.get(reverse("admin:tracking_progressrecord_change", args=[record.pk])).content
    assert 'name="value" value="2.5"' in body.decode()


def test_history_shows_labels_figures_as_written_and_local_times(client, office):
    record = make_record(office.target_a, MARCH, state=ProgressRecord.State.SUBMITTED, value=D(2))
    record.approve(by=office.leader)
    client.force_login(office.admin)
    body = client.get(reverse("admin:tracking_progressrecord_history", args=[record.pk]))
    body = body.content.decode()
    assert "已报送待审核" in body and "已审核发布" in body
    assert "submitted" not in body and "published" not in body
    assert "变更内容" in body, "simple-history's column heading in Chinese"
    assert "None" not in body and "版本号" not in body, "no placeholder, no edit counter"


def test_review_events_and_import_runs_are_named_in_local_time(office):
    record = make_record(office.target_a, MARCH, state=ProgressRecord.State.SUBMITTED, value=D(2))
    event = ReviewEvent(
        record=record,
        action=ReviewEvent.Action.APPROVE,
        actor=office.leader,
        at=datetime.datetime(2022, 3, 31, 16, 30, tzinfo=datetime.UTC),
    )
    assert str(event) == "审核通过并发布 · leader · 2022-04-01 00:30"
    run = ImportRun(file_name="3月进度.xlsx", imported_at=event.at)
    assert str(run) == "3月进度.xlsx @ 2022-04-01 00:30"


@pytest.mark.parametrize(
    ("url", "chinese", "english"),
    [
        ("/admin/", "登录防护", "Access attempts"),
        ("/admin/", "身份验证器", "Otp_Totp"),
        ("/admin/", "目标跟踪", "Tracking"),
        ("/admin/", "模型名称", "Model name"),
        ("/admin/axes/accesslog/", "退出时间", "Logout Time"),
        ("/admin/axes/accessattempt/", "尝试时间", "Attempt Time"),
        ("/admin/otp_totp/totpdevice/", "最近使用时间", "Last used at"),
        ("/admin/otp_totp/totpdevice/add/", "验证码位数", "The number of digits"),
        ("/admin/otp_totp/totpdevice/add/", "失败限制", "Throttling"),
        ("/admin/tracking/jurisdiction/export/", "上级行政区", "parent"),
    ],
)
def test_the_chinese_admin_has_no_english_left(client, superuser, url, chinese, english):
    client.force_login(superuser)
    body = client.get(url).content.decode()
    assert chinese in body
    assert english not in body


def test_an_authenticators_times_are_local(client, superuser, settings):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=superuser, name="手机")
    TOTPDevice.objects.filter(pk=device.pk).update(
        created_at=datetime.datetime(2022, 3, 31, 16, 30, tzinfo=datetime.UTC)
    )
    client.force_login(superuser)
    url = reverse("admin:otp_totp_totpdevice_change", args=[device.pk])
    assert "2022年4月1日 00:30" in client.get(url).content.decode()
