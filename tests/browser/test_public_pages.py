"""In Chromium: the public walks home → area → target on a desktop and on a 375 px phone,
switches to English, and nothing fails: no console error, page error or failed request, and
no sideways scrolling on the phone."""

import datetime
from decimal import Decimal as D

import pytest

from tests.browser.test_review_flow import CHROMIUM, browser  # noqa: F401 - the fixture
from tests.conftest import make_record
from tracking.models import Target

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (apt)"),
]

# Browsers set to Chinese, as most visitors' are; the pages follow Accept-Language.
VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}, "locale": "zh-CN"},
    "phone": {
        "viewport": {"width": 375, "height": 740},
        "is_mobile": True,
        "has_touch": True,
        "locale": "zh-CN",
    },
}


def _watch(page):
    """Collect everything that went wrong while the page was used."""
    problems = []
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and problems.append(f"console: {message.text} {message.location['url']}")
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))
    page.on(
        "response",
        lambda response: (
            response.status >= 400 and problems.append(f"{response.status}: {response.url}")
        ),
    )
    return problems


def _no_sideways_scrolling(page, width):
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} is {scroll_width}px wide on a {width}px screen"


@pytest.mark.parametrize("device", VIEWPORTS)
def test_the_public_walks_from_home_to_a_target_and_switches_to_english(
    live_server,
    browser,  # noqa: F811 - the fixture imported above
    device,
    gangmen,
):
    gdp = Target.objects.get(code="M1")
    make_record(gdp, datetime.date(2022, 3, 31), growth_pct=D("6.8"), note="一季度数据")
    make_record(gdp, datetime.date(2022, 6, 30), growth_pct=D("7.1"))
    context = browser.new_context(**VIEWPORTS[device])
    page = context.new_page()
    problems = _watch(page)
    width = VIEWPORTS[device]["viewport"]["width"]

    page.goto(live_server.url + "/")
    page.get_by_role("heading", name="港门镇2022年政府工作报告").wait_for()
    page.get_by_role("heading", name="各领域进展").wait_for()
    _no_sideways_scrolling(page, width)

    page.get_by_role("link", name="经济社会发展主要目标").click()
    page.get_by_role("heading", name="经济社会发展主要目标").wait_for()
    _no_sideways_scrolling(page, width)

    page.get_by_role("link", name="地区生产总值增长").click()
    page.get_by_role("heading", name="M1 地区生产总值增长").wait_for()
    page.get_by_role("heading", name="为什么是这个状态").wait_for()
    assert page.locator("svg.chart polyline.actual").count() == 1, "the chart is drawn"
    assert "一季度数据" in page.inner_text("table.records"), "and its table twin"
    _no_sideways_scrolling(page, width)

    page.get_by_role("button", name="English").click()
    page.get_by_role("heading", name="Why this status").wait_for()
    assert page.evaluate("document.documentElement.lang") == "en"
    _no_sideways_scrolling(page, width)

    page.get_by_role("link", name="港门镇2022年政府工作报告").click()
    page.get_by_role("heading", name="Progress by area").wait_for()
    _no_sideways_scrolling(page, width)
    context.close()
    assert not problems, problems
