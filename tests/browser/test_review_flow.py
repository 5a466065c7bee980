"""In Chromium: a reporter submits on a phone-sized page, a leader approves, the public sees it."""

import os
from pathlib import Path

import pytest

from tests.conftest import make_plan, make_target, make_user
from tracking import roles
from tracking.models import ProgressRecord, Unit

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

pytestmark = [
    # serialized_rollback: the role groups made by a data migration survive the flush.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (apt)"),
]


@pytest.fixture
def browser():
    # Playwright's sync API runs an event loop in this thread; the Django calls of the test
    # itself are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _log_in(page, base, username):
    page.goto(f"{base}/admin/login/?next=/office/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw")
    page.click("input[type=submit]")


def test_reporter_submits_on_a_phone_and_leader_approves(live_server, browser):
    plan = make_plan()
    unit = Unit.objects.create(jurisdiction=plan.jurisdiction, name="经济发展办")
    target = make_target(plan, "A1", name="引入企业", responsible_unit=unit)
    make_user("reporter", roles.REPORTER, [unit])
    make_user("leader", roles.LEADER)

    # A Chinese browser: the pages follow Accept-Language now that an English translation exists.
    phone = browser.new_context(
        viewport={"width": 375, "height": 740}, is_mobile=True, locale="zh-CN"
    )
    page = phone.new_page()
    _log_in(page, live_server.url, "reporter")
    page.get_by_role("link", name="填报进度").click()
    page.fill("#id_as_of", "2022-03-31")
    page.fill("#id_value", "3")
    page.fill("#id_note", "已签约三家企业")
    page.get_by_role("button", name="提交审核").click()
    page.get_by_text("已提交审核").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, "no sideways scrolling"
    phone.close()
    assert ProgressRecord.objects.get().state == ProgressRecord.State.SUBMITTED

    desk = browser.new_context(locale="zh-CN")
    page = desk.new_page()
    _log_in(page, live_server.url, "leader")
    page.goto(f"{live_server.url}/office/review/")
    page.get_by_role("link", name="审核", exact=True).click()
    page.get_by_label("审核通过并发布").check()
    page.get_by_role("button", name="确定").click()
    page.get_by_text("已审核通过并发布").wait_for()

    page.goto(live_server.url + target.get_absolute_url())
    assert "已签约三家企业" in page.content()
    assert "3 家" in page.inner_text("main")
    desk.close()


def test_leader_approves_several_records_at_once(live_server, browser):
    plan = make_plan()
    unit = Unit.objects.create(jurisdiction=plan.jurisdiction, name="经济发展办")
    reporter = make_user("reporter", roles.REPORTER, [unit])
    make_user("leader", roles.LEADER)
    for code in ("A1", "A2", "A3"):
        target = make_target(plan, code, name=f"目标{code}", responsible_unit=unit)
        ProgressRecord.objects.create(
            target=target,
            as_of="2022-03-31",
            value=2,
            state=ProgressRecord.State.SUBMITTED,
            entered_by=reporter,
        )

    desk = browser.new_context(locale="zh-CN")
    page = desk.new_page()
    _log_in(page, live_server.url, "leader")
    page.get_by_role("link", name="待审核", exact=True).click()
    boxes = page.get_by_role("checkbox")
    assert boxes.count() == 3
    for index in range(3):
        boxes.nth(index).check()
    page.get_by_role("button", name="审核通过并发布所选记录").click()
    page.get_by_text("已审核通过并发布 3 条记录。").wait_for()
    assert page.get_by_text("没有待审核的记录。").is_visible()
    desk.close()
    assert set(ProgressRecord.objects.values_list("state", flat=True)) == {"published"}


def test_reporter_finds_a_returned_item_first(live_server, browser):
    plan = make_plan()
    unit = Unit.objects.create(jurisdiction=plan.jurisdiction, name="经济发展办")
    make_user("reporter", roles.REPORTER, [unit])
    leader = make_user("leader", roles.LEADER)
    targets = [
        make_target(plan, f"A{n}", name=f"目标{n}", responsible_unit=unit) for n in range(1, 6)
    ]
    record = ProgressRecord.objects.create(
        target=targets[3], as_of="2022-03-31", value=2, state=ProgressRecord.State.SUBMITTED
    )
    record.return_for_changes(by=leader, reason="请附上签约合同")

    phone = browser.new_context(
        viewport={"width": 375, "height": 740}, is_mobile=True, locale="zh-CN"
    )
    page = phone.new_page()
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="工作人员登录").click()
    page.fill("#id_username", "reporter")
    page.fill("#id_password", "pw")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/office/")
    assert page.get_by_text("已登录：reporter").is_visible()
    first = page.locator(".target-card").first
    assert "A4 目标4" in first.inner_text()
    assert "请附上签约合同" in first.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, "no sideways scrolling"
    first.get_by_role("link", name="按退回意见修改").click()
    page.get_by_text("退回理由：请附上签约合同").wait_for()
    phone.close()
