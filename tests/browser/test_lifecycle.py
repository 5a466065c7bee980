"""Point 12 of issue 13, in Chromium, with progress present (the demo set for mid-year): the
walk at desktop and 375 px in both languages, the as-of switch (also without JavaScript), and
the A4 print as PDF, checked for numbers split across lines."""

import io
import re
import shutil
import subprocess

import pytest
from django.core.management import call_command

from tests.browser.test_public_pages import VIEWPORTS, _no_sideways_scrolling, _watch
from tests.browser.test_review_flow import CHROMIUM, browser  # noqa: F401 - the fixture
from tests.conftest import REPORT_DATA

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (apt)"),
]

HEADINGS = {
    "zh-hans": ("总体进展", "各领域进展", "为什么是这个状态", "评估日期："),
    "en": ("Where the plan stands", "Progress by area", "Why this status", "Judged on:"),
}


@pytest.fixture
def with_demo_progress(settings):
    settings.DEMO_DATA = True
    call_command("load_report", REPORT_DATA, verbosity=0)
    call_command("load_demo_progress", stdout=io.StringIO())


def _context(browser, live_server, device, language, **options):  # noqa: F811
    context = browser.new_context(**{**VIEWPORTS[device], **options})
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    return context


def _second_lines_stay_in_their_cells(page):
    """On a phone each value sits beside its label: no line of it starts under the label."""
    stray = page.evaluate(
        """() => [...document.querySelectorAll('td[data-label] small')].filter(small => {
             const cell = small.closest('td').getBoundingClientRect();
             return small.getBoundingClientRect().left < cell.left + 100;
           }).length"""
    )
    assert stray == 0, f"{stray} second lines run under their labels on {page.url}"


def _chart_text_is_readable(page):
    smallest = page.evaluate(
        """() => Math.min(...[...document.querySelectorAll('svg.chart text')]
                 .map(t => t.getBoundingClientRect().height))"""
    )
    # A glyph box of 11 px text is about 13 px tall; the text itself must be at least 11 px.
    assert smallest >= 11, f"chart text only {smallest:.1f} px tall on {page.url}"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_the_walk_with_progress_in_both_languages(
    live_server,
    browser,  # noqa: F811
    with_demo_progress,
    device,
    language,
):
    standing, areas, why, judged = HEADINGS[language]
    context = _context(browser, live_server, device, language)
    page = context.new_page()
    problems = _watch(page)
    width = VIEWPORTS[device]["viewport"]["width"]

    page.goto(live_server.url + "/")
    page.get_by_role("heading", name=standing).wait_for()
    page.get_by_role("heading", name=areas).wait_for()
    assert judged in page.inner_text(".as-of")
    assert page.locator(".figures .figure-count").count() >= 3, "a row of figures"
    _no_sideways_scrolling(page, width)
    if device == "phone":
        _second_lines_stay_in_their_cells(page)

    page.locator("table.areas a").nth(1).click()
    page.locator("table.targets").wait_for()
    _no_sideways_scrolling(page, width)
    if device == "phone":
        _second_lines_stay_in_their_cells(page)

    page.locator("table.targets td a").first.click()
    page.get_by_role("heading", name=why).wait_for()
    assert page.locator("svg.chart").count() == 1
    _no_sideways_scrolling(page, width)
    _chart_text_is_readable(page)
    if language == "en":
        assert page.locator('h1 [lang="zh-Hans"]').count() == 1, "Chinese kept beside"
    context.close()
    assert not problems, problems


@pytest.mark.parametrize("javascript", [True, False])
def test_the_as_of_switch(live_server, browser, with_demo_progress, javascript):  # noqa: F811
    context = _context(browser, live_server, "desktop", "zh-hans", java_script_enabled=javascript)
    page = context.new_page()
    page.goto(live_server.url + "/")
    assert "评估日期：2022年6月30日。" in page.inner_text(".as-of")
    mid_year = page.inner_text(".standing .headline")
    page.fill("#as-of-date", "2022-03-31")
    page.get_by_role("button", name="查看").click()
    page.wait_for_url("**/?on=2022-03-31")
    assert "评估日期：2022年3月31日。" in page.inner_text(".as-of")
    assert page.inner_text(".standing .headline") != mid_year, "judged on the new date"
    page.locator("table.areas a").first.click()
    assert page.url.endswith("?on=2022-03-31"), "the date follows the visitor's links"
    assert "评估日期：2022年3月31日。" in page.inner_text(".as-of")
    context.close()


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils (apt)")
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_a4_print_never_splits_a_number(
    live_server,
    browser,  # noqa: F811
    with_demo_progress,
    tmp_path,
    language,
):
    context = _context(browser, live_server, "desktop", language)
    page = context.new_page()
    page.goto(live_server.url + "/gangmen/2022/print/")
    row = "getComputedStyle(document.querySelector('table.targets tbody tr')).display"
    assert page.evaluate(row) == "table-row", "on screen the report's tables stay tables"
    numbers = page.evaluate(
        "() => [...document.querySelectorAll('table .num')].map(n => n.innerText.trim())"
    )
    assert len(numbers) > 150, "every figure of the 66 targets"
    pdf = tmp_path / "report.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True)
    context.close()
    pdftotext = shutil.which("pdftotext")
    text = subprocess.run(  # noqa: S603 - poppler on our own PDF, fixed arguments
        [pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    # pdftotext keeps each printed line; its spacing inside a line is approximate, so spaces
    # are left out of the comparison (a figure split over two lines still fails it).
    lines = [re.sub(r"\s+", "", line) for line in text.splitlines()]
    split = sorted({n for n in numbers if not any(re.sub(r"\s+", "", n) in li for li in lines)})
    assert not split, f"split across lines in the PDF: {split}"
    pages = text.split("\f")[:-1]
    assert len(pages) > 2
    running = "进度报告 · 评估日期" if language == "zh-hans" else "Progress report · judged on"
    for number, sheet in enumerate(pages, start=1):
        assert running in sheet, f"page {number} lacks the running title"
        assert f"{number}/{len(pages)}" in sheet.replace(" ", ""), f"page {number} unnumbered"
