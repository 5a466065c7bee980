"""The status rule of tracking/rules/status.py, case by case (the README's table in code)."""

import datetime
from decimal import Decimal as D

import pytest

from tracking.rules.status import Status, TargetFacts, assess, time_share

JAN_1 = datetime.date(2022, 1, 1)
DEC_31 = datetime.date(2022, 12, 31)
JUN_30 = datetime.date(2022, 6, 30)  # 181 of 365 days: expected pace 49.6%


def facts(kind="amount", **fields):
    values = {"kind": kind, "direction": "increase", "starts_on": JAN_1, "deadline": DEC_31}
    values.update(fields)
    return TargetFacts(**values)


def month_ends(values):
    """Quota records: the count reported at the end of each month, January first."""
    dates = [datetime.date(2022, m, 28) for m in range(1, len(values) + 1)]
    return dict(zip(dates, [D(v) for v in values], strict=True))


CASES = [
    # (description, facts, on, expected status, expected progress %)
    (
        "period not begun",
        facts(target_value=D(5)),
        datetime.date(2021, 12, 1),
        Status.NOT_STARTED,
        None,
    ),
    ("no record yet", facts(target_value=D(5)), JUN_30, Status.NO_DATA, None),
    (
        "amount ahead of the time pace",
        facts(target_value=D(5), latest_as_of=JUN_30, latest_value=D(3)),
        JUN_30,
        Status.ON_TRACK,
        D("60.0"),
    ),
    (
        "amount within 10 points of the pace",
        facts(target_value=D(5), latest_as_of=JUN_30, latest_value=D(2)),
        JUN_30,
        Status.AT_RISK,
        D("40.0"),
    ),
    (
        "amount more than 10 points behind",
        facts(target_value=D(5), latest_as_of=JUN_30, latest_value=D(1)),
        JUN_30,
        Status.BEHIND,
        D("20.0"),
    ),
    (
        "amount reached mid-year",
        facts(target_value=D(5), latest_as_of=JUN_30, latest_value=D(5)),
        JUN_30,
        Status.ACHIEVED,
        D("100.0"),
    ),
    (
        "amount over-achieved keeps its real figure",
        facts(target_value=D(5), latest_as_of=JUN_30, latest_value=D(7)),
        JUN_30,
        Status.ACHIEVED,
        D("140.0"),
    ),
    (
        "growth on pace in November, judged at the year end: the full-year figure is missing",
        facts(
            "growth",
            target_growth_pct=D(7),
            latest_as_of=datetime.date(2022, 11, 30),
            latest_growth_pct=D("7.5"),
        ),
        DEC_31,
        Status.YEAR_END_MISSING,
        D("107.1"),
    ),
    (
        "growth short in November, judged at the year end: overdue",
        facts(
            "growth",
            target_growth_pct=D(7),
            latest_as_of=datetime.date(2022, 11, 30),
            latest_growth_pct=D(5),
        ),
        DEC_31,
        Status.OVERDUE,
        D("71.4"),
    ),
    (
        "quota met every month reported, December not reported: the year end is missing",
        facts(
            "quota",
            target_value=D(2),
            quota_period="month",
            latest_as_of=datetime.date(2022, 11, 28),
            period_values=month_ends([2] * 11),
        ),
        datetime.date(2023, 2, 1),
        Status.YEAR_END_MISSING,
        D("100.0"),
    ),
    (
        "amount short after the deadline",
        facts(target_value=D(5), latest_as_of=DEC_31, latest_value=D(4)),
        datetime.date(2023, 1, 5),
        Status.OVERDUE,
        D("80.0"),
    ),
    (
        "amount with a zero goal",
        facts(target_value=D(0), latest_as_of=JUN_30, latest_value=D(0)),
        JUN_30,
        Status.ACHIEVED,
        D(100),
    ),
    (
        "less-is-better from a baseline, on pace",
        facts(
            direction="decrease",
            baseline_value=D(10),
            target_value=D(6),
            latest_as_of=JUN_30,
            latest_value=D(8),
        ),
        JUN_30,
        Status.ON_TRACK,
        D("50.0"),
    ),
    (
        "less-is-better ceiling kept",
        facts(direction="decrease", target_value=D(3), latest_as_of=JUN_30, latest_value=D(2)),
        JUN_30,
        Status.ON_TRACK,
        D(100),
    ),
    (
        "less-is-better ceiling broken",
        facts(direction="decrease", target_value=D(3), latest_as_of=JUN_30, latest_value=D(4)),
        JUN_30,
        Status.BEHIND,
        D("75.0"),
    ),
    (
        "less-is-better ceiling kept to the end",
        facts(direction="decrease", target_value=D(3), latest_as_of=DEC_31, latest_value=D(3)),
        DEC_31,
        Status.ACHIEVED,
        D(100),
    ),
    (
        "less-is-better with a zero baseline is a ceiling",
        facts(
            direction="decrease",
            baseline_value=D(0),
            target_value=D(3),
            latest_as_of=JUN_30,
            latest_value=D(1),
        ),
        JUN_30,
        Status.ON_TRACK,
        D(100),
    ),
    (
        "growth above target mid-year is on track, not achieved",
        facts("growth", target_growth_pct=D(7), latest_as_of=JUN_30, latest_growth_pct=D("7.5")),
        JUN_30,
        Status.ON_TRACK,
        D("107.1"),
    ),
    (
        "growth within 1 point of target",
        facts("growth", target_growth_pct=D(7), latest_as_of=JUN_30, latest_growth_pct=D("6.5")),
        JUN_30,
        Status.AT_RISK,
        D("92.9"),
    ),
    (
        "growth more than 1 point short",
        facts("growth", target_growth_pct=D(7), latest_as_of=JUN_30, latest_growth_pct=D(5)),
        JUN_30,
        Status.BEHIND,
        D("71.4"),
    ),
    (
        "growth reached for the full year",
        facts("growth", target_growth_pct=D(7), latest_as_of=DEC_31, latest_growth_pct=D("7.2")),
        DEC_31,
        Status.ACHIEVED,
        D("102.9"),
    ),
    (
        "growth short for the full year",
        facts("growth", target_growth_pct=D(7), latest_as_of=DEC_31, latest_growth_pct=D(6)),
        datetime.date(2023, 2, 1),
        Status.OVERDUE,
        D("85.7"),
    ),
    (
        "growth record without a growth figure",
        facts("growth", target_growth_pct=D(7), latest_as_of=JUN_30, latest_value=D(9)),
        JUN_30,
        Status.NO_DATA,
        None,
    ),
    (
        "less-is-better growth (a fall of 3%) beaten",
        facts(
            "growth",
            direction="decrease",
            target_growth_pct=D(-3),
            latest_as_of=JUN_30,
            latest_growth_pct=D(-4),
        ),
        JUN_30,
        Status.ON_TRACK,
        None,
    ),
    (
        "negative actual growth against a positive target",
        facts("growth", target_growth_pct=D(8), latest_as_of=JUN_30, latest_growth_pct=D(-2)),
        JUN_30,
        Status.BEHIND,
        D("-25.0"),
    ),
    (
        "level kept",
        facts(
            "level", target_value=D(100), measure_unit="%", latest_as_of=JUN_30, latest_value=D(100)
        ),
        JUN_30,
        Status.ON_TRACK,
        D("100.0"),
    ),
    (
        "level slightly under",
        facts("level", target_value=D(100), latest_as_of=JUN_30, latest_value=D(95)),
        JUN_30,
        Status.AT_RISK,
        D("95.0"),
    ),
    (
        "level well under",
        facts("level", target_value=D(100), latest_as_of=JUN_30, latest_value=D(80)),
        JUN_30,
        Status.BEHIND,
        D("80.0"),
    ),
    (
        "level kept to the end",
        facts("level", target_value=D(100), latest_as_of=DEC_31, latest_value=D(100)),
        DEC_31,
        Status.ACHIEVED,
        D("100.0"),
    ),
    (
        "quota met every month so far",
        facts(
            "quota",
            target_value=D(2),
            quota_period="month",
            latest_as_of=datetime.date(2022, 3, 31),
            period_values=month_ends([2, 3, 2]),
        ),
        datetime.date(2022, 3, 31),
        Status.ON_TRACK,
        D("100.0"),
    ),
    (
        "quota missed one month of three",
        facts(
            "quota",
            target_value=D(2),
            quota_period="month",
            latest_as_of=datetime.date(2022, 3, 31),
            period_values=month_ends([2, 1, 2]),
        ),
        datetime.date(2022, 3, 31),
        Status.BEHIND,
        D("66.7"),
    ),
    (
        "quota missed one month of eleven",
        facts(
            "quota",
            target_value=D(2),
            quota_period="month",
            latest_as_of=datetime.date(2022, 11, 30),
            period_values=month_ends([2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 2]),
        ),
        datetime.date(2022, 11, 30),
        Status.AT_RISK,
        D("90.9"),
    ),
    (
        "quota month without any report counts as missed",
        facts(
            "quota",
            target_value=D(2),
            quota_period="month",
            latest_as_of=datetime.date(2022, 3, 28),
            period_values={datetime.date(2022, 1, 28): D(2), datetime.date(2022, 3, 28): D(2)},
        ),
        datetime.date(2022, 3, 31),
        Status.BEHIND,
        D("66.7"),
    ),
    (
        "quota month still open is not judged yet",
        facts(
            "quota",
            target_value=D(2),
            quota_period="month",
            latest_as_of=datetime.date(2022, 2, 10),
            period_values={datetime.date(2022, 1, 28): D(2), datetime.date(2022, 2, 10): D(1)},
        ),
        datetime.date(2022, 2, 10),
        Status.ON_TRACK,
        D("100.0"),
    ),
    (
        "quota met in all twelve months",
        facts(
            "quota",
            target_value=D(2),
            quota_period="month",
            latest_as_of=datetime.date(2022, 12, 28),
            period_values=month_ends([2] * 12),
        ),
        DEC_31,
        Status.ACHIEVED,
        D("100.0"),
    ),
    (
        "quota per quarter",
        facts(
            "quota",
            target_value=D(6),
            quota_period="quarter",
            latest_as_of=datetime.date(2022, 6, 30),
            period_values={datetime.date(2022, 3, 31): D(6), datetime.date(2022, 6, 30): D(4)},
        ),
        datetime.date(2022, 6, 30),
        Status.BEHIND,
        D("50.0"),
    ),
    (
        "milestone behind the time pace",
        facts("milestone", stage_count=3, stages_reached=1, latest_as_of=JUN_30),
        JUN_30,
        Status.BEHIND,
        D("33.3"),
    ),
    (
        "milestone ahead of the time pace",
        facts("milestone", stage_count=3, stages_reached=2, latest_as_of=JUN_30),
        JUN_30,
        Status.ON_TRACK,
        D("66.7"),
    ),
    (
        "milestone all stages reached",
        facts("milestone", stage_count=3, stages_reached=3, latest_as_of=JUN_30),
        JUN_30,
        Status.ACHIEVED,
        D("100.0"),
    ),
    (
        "milestone on its own schedule",
        facts(
            "milestone",
            stage_count=3,
            stages_reached=2,
            latest_as_of=datetime.date(2022, 7, 1),
            stage_due_dates=[datetime.date(2022, 3, 31), JUN_30, datetime.date(2022, 9, 30)],
        ),
        datetime.date(2022, 7, 1),
        Status.ON_TRACK,
        D("66.7"),
    ),
    (
        "milestone late on its own schedule",
        facts(
            "milestone",
            stage_count=2,
            stages_reached=0,
            latest_as_of=datetime.date(2022, 7, 1),
            stage_due_dates=[datetime.date(2022, 3, 31), JUN_30],
        ),
        datetime.date(2022, 7, 1),
        Status.BEHIND,
        D("0.0"),
    ),
    (
        "milestone without stages cannot be measured",
        facts("milestone", stage_count=0, latest_as_of=JUN_30),
        JUN_30,
        Status.NO_DATA,
        None,
    ),
]


@pytest.mark.parametrize(
    ("target_facts", "on", "expected_status", "expected_progress"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_status_rule(target_facts, on, expected_status, expected_progress):
    assessment = assess(target_facts, on)
    assert assessment.status == expected_status, assessment.summary
    assert assessment.progress_pct == expected_progress, assessment.formula


@pytest.mark.parametrize(
    ("on", "share"),
    [
        (datetime.date(2021, 12, 31), D(0)),
        (JAN_1, D(1) / D(365)),
        (datetime.date(2022, 7, 2), D(183) / D(365)),  # 时间过半
        (DEC_31, D(1)),
        (datetime.date(2023, 3, 1), D(1)),
    ],
)
def test_time_share_counts_days_including_the_date(on, share):
    assert time_share(JAN_1, DEC_31, on) == share


def test_explanation_names_inputs_formula_threshold_and_date():
    assessment = assess(
        facts(target_value=D(5), measure_unit="家", latest_as_of=JUN_30, latest_value=D(1)),
        datetime.date(2022, 7, 15),
    )
    assert "1 ÷ 目标值5" in assessment.formula
    assert "49.6%" in assessment.formula, "the expected pace is part of the explanation"
    assert "10个百分点" in assessment.threshold
    assert "2022年6月30日" in assessment.summary, "the as-of date is the record's date"
    assert assessment.as_of == JUN_30


def test_progress_bar_is_clipped_but_the_figure_is_not():
    assessment = assess(facts(target_value=D(5), latest_as_of=JUN_30, latest_value=D(10)), JUN_30)
    assert assessment.progress_pct == D("200.0")
    assert assessment.progress_for_bar == D(100)
