"""Points 3 and 6 of issue 13, and issue 11's chart bound: the overview says how the plan stands
in one sentence and a row of figures, per area too, with a legend; growth targets show their
growth and the level it implies; a figure far above its goal still draws a small chart."""

import datetime
from decimal import Decimal as D

import pytest

from tests.conftest import make_record, make_target
from tracking.models import TaskArea
from tracking.public import charts
from tracking.rules import status
from tracking.rules.choices import Status

pytestmark = pytest.mark.django_db

ON = {"on": "2022-06-30"}


@pytest.fixture
def standing(plan):
    """Four targets at four statuses on 30 June, in two areas."""
    other = TaskArea.objects.create(plan=plan, position=1, numeral="（一）", title="产业")
    ahead = make_target(plan, "T1", target_value=D(10))
    make_record(ahead, datetime.date(2022, 6, 30), value=D(10))  # achieved
    on_pace = make_target(plan, "T2", target_value=D(10))
    make_record(on_pace, datetime.date(2022, 6, 30), value=D(6))  # on track
    lagging = make_target(plan, "T3", target_value=D(10), area=other)
    make_record(lagging, datetime.date(2022, 6, 30), value=D(1))  # behind
    make_target(plan, "T4", area=other)  # no data
    return plan


def test_the_overview_says_how_the_plan_stands_in_one_sentence(client, standing):
    body = client.get(standing.get_absolute_url(), ON).content.decode()
    assert (
        '4 项目标：已完成 <span class="num">1</span>，按进度推进 <span class="num">1</span>，'
        '进度滞后 <span class="num">1</span>，暂无数据 <span class="num">1</span>。'
        " 欠进度 1 项，占 25.0%。"
    ) in body
    assert '<span class="figure-count">1</span> <span class="badge status-achieved">' in body


def test_each_area_has_its_own_sentence(client, standing):
    body = client.get(standing.get_absolute_url(), ON).content.decode()
    assert "2 项目标：进度滞后" in body and "欠进度 1 项，占 50.0%。" in body
    assert "2 项目标：已完成" in body and "欠进度 0 项，占 0.0%。" in body


def test_the_sentence_reads_in_english(client, standing):
    client.cookies["django_language"] = "en"
    body = client.get(standing.get_absolute_url(), ON).content.decode()
    assert (
        '4 targets: Achieved <span class="num">1</span>, On track <span class="num">1</span>, '
        'Behind <span class="num">1</span>, No data <span class="num">1</span>.'
        " Behind the expected pace: 1, 25.0% of the targets."
    ) in body


def test_the_legend_names_every_status_in_words_beside_its_colour(client, standing):
    body = client.get(standing.get_absolute_url(), ON).content.decode()
    for state in Status:
        assert f'<span class="swatch seg-{state.value}"></span>{state.label}' in body, state


@pytest.mark.parametrize(
    ("counts", "lagging", "pct"),
    [
        (
            [(Status.AT_RISK, 1), (Status.BEHIND, 2), (Status.OVERDUE, 3), (Status.ON_TRACK, 4)],
            6,
            D("60.0"),
        ),
        ([(Status.ACHIEVED, 3), (Status.NO_DATA, 3)], 0, D("0.0")),
        ([], 0, None),
    ],
)
def test_lagging_counts_at_risk_behind_and_overdue(counts, lagging, pct):
    assert status.lagging_count(counts) == lagging
    assert status.share_pct(lagging, sum(c for _, c in counts)) == pct


def test_a_growth_target_shows_growth_the_reported_amount_and_the_level(client, plan):
    gdp = make_target(
        plan, "M1", kind="growth", measure_unit="亿元", baseline_value=D("17.1"), name="GDP"
    )
    make_record(gdp, datetime.date(2022, 6, 30), growth_pct=D("6.5"), value=D("9.2"))
    body = client.get(gdp.get_absolute_url(), ON).content.decode()
    assert '<span class="num">增长 6.5%</span>' in body
    assert '报告数 <span class="num">9.2 亿元</span>' in body, "the amount reported"
    assert '折合 <span class="num">18.2115 亿元</span>' in body, "17.1 × 1.065"
    assert '即 <span class="num">18.297 亿元</span>' in body, "the goal as a level: 17.1 × 1.07"
    assert "累计增速随时间变化，对比目标增速" in body, "the chart draws the growth rate"
    assert "目标增速（7%）" in body
    assert "完成进度（占目标的百分比）" not in body


def test_a_growth_chart_draws_the_rate_against_the_target_growth():
    chart = charts.progress_chart(
        [(datetime.date(2022, 6, 30), D("6.5"), None)],
        datetime.date(2022, 1, 1),
        datetime.date(2022, 12, 31),
        goal=D(7),
        measures_growth=True,
    )
    assert [t.label for t in chart.y_ticks] == ["0%", "2%", "4%", "6%", "8%"]
    assert chart.goal_label == "7%" and chart.expected == []


def test_a_typo_far_above_the_goal_draws_a_small_chart(client, plan, django_assert_num_queries):
    scallops = make_target(plan, "A2-05", measure_unit="亩", target_value=D(500))
    make_record(scallops, datetime.date(2022, 6, 30), value=D(5_000_000))
    response = client.get(scallops.get_absolute_url(), ON)
    body = response.content.decode()
    assert len(response.content) < 20_000, "the page stays small"
    assert body.count('class="tick"') <= 7 + 12, "at most 7 y ticks beside the 12 months"
    assert "↑ 1000000%" in body, "the figure off the scale is marked with its value"
    chart = charts.progress_chart([(datetime.date(2022, 6, 30), D(1_000_000), D("49.6"))], *YEAR)
    assert [t.label for t in chart.y_ticks] == ["0%", "100%", "200%", "300%", "400%"]
    assert chart.actual[0].y == charts.TOP, "drawn at the top edge"


YEAR = (datetime.date(2022, 1, 1), datetime.date(2022, 12, 31))


@pytest.mark.parametrize(
    ("low", "high", "axis"),
    [
        (D(0), D(100), (D(0), D(100), D(20))),
        (D(0), D("112.5"), (D(0), D(120), D(20))),
        (D(-10), D(100), (D(-20), D(100), D(20))),
        (D("-3.5"), D(8), (D(-4), D(8), D(2))),
        (D(0), D(1_000_000), (D(0), D(1_000_000), D(200_000))),
    ],
)
def test_axes_take_at_most_six_nice_steps(low, high, axis):
    bottom, top, step = charts.nice_axis(low, high)
    assert (bottom, top, step) == axis
    assert (top - bottom) / step <= charts.MAX_INTERVALS


def test_a_corrected_growth_figure_shows_the_level_before_and_after(client, plan):
    """A correction's two sides are historical versions of the record, which have its fields but
    not its methods: the implied level comes from the target, so both show it."""
    gdp = make_target(plan, "M1", kind="growth", measure_unit="亿元", baseline_value=D("17.1"))
    record = make_record(gdp, datetime.date(2022, 6, 30), growth_pct=D("6.5"))
    record.growth_pct = D("7")
    record.save()
    body = client.get(gdp.get_absolute_url(), ON).content.decode()
    corrections = body.split("已发布数字的更正")[1]
    assert '折合 <span class="num">18.2115 亿元</span>' in corrections, "17.1 × 1.065, before"
    assert '折合 <span class="num">18.297 亿元</span>' in corrections, "17.1 × 1.07, after"
