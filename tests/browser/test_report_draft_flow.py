"""In Chromium: statistics staff upload a report, fix and drop proposals in the review list,
create the plan, and the public reads it."""

from pathlib import Path

import pytest

from tests.browser.test_review_flow import CHROMIUM, browser  # noqa: F401 - the fixture
from tests.conftest import make_user
from tracking import roles
from tracking.models import Jurisdiction, Plan

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (apt)"),
]

REPORT = """政府工作报告
——2023年2月20日在城南镇第十九届人民代表大会第三次会议上
一、2022年工作回顾
经济发展稳中有进。全镇实现地区生产总值25.3亿元，同比增长5.2%。
二、2023年工作安排
今年的主要预期目标是：地区生产总值增长6%。
（一）聚焦产业发展
全年计划引进项目两个。深入推进营商环境改革。
"""


def test_staff_turn_an_uploaded_report_into_a_public_plan(live_server, browser, tmp_path):  # noqa: F811
    town = Jurisdiction.objects.create(name="城南镇", slug="chengnan")
    make_user("statistician", roles.STATISTICIAN)
    report = Path(tmp_path / "城南镇2023.txt")
    report.write_text(REPORT, encoding="utf-8")
    page = browser.new_context(locale="zh-CN", viewport={"width": 1600, "height": 900}).new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "statistician")
    page.fill("#id_password", "pw")
    page.click("input[type=submit]")

    page.goto(f"{live_server.url}/admin/tracking/reportdraft/add/")
    page.select_option("#id_jurisdiction", str(town.pk))
    page.set_input_files("#id_upload", str(report))
    page.click("input[name=_save]")
    # The review list: rename the project target, drop the qualitative task, accept the rest.
    page.wait_for_url("**/admin/tracking/proposal/**")
    row = page.locator("tr", has_text="全年计划引进项目两个")
    row.locator("input[name$='-name']").fill("引进产业项目")
    page.locator("tr", has_text="深入推进营商环境改革").locator(
        "select[name$='-decision']"
    ).select_option("dropped")
    page.click("input[name=_save]")
    assert Plan.objects.count() == 0, "nothing is saved before the plan is confirmed"

    page.goto(f"{live_server.url}/admin/tracking/reportdraft/")
    page.click("text=城南镇 2023")
    page.click("text=确认生成年度计划")
    page.check("input[name=include_pending]")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/tracking/plan/**")

    page.goto(f"{live_server.url}/chengnan/2023/areas/1/")
    assert page.locator("h1").inner_text() == "（一）聚焦产业发展"
    assert "引进产业项目" in page.content()
    assert "深入推进营商环境改革" not in page.content()
