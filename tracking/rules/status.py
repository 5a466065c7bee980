"""The status rule: where a target stands on a date, and why.

Pure functions over plain values, so that every page, export and test asks the same rule. The
government's own habit judges pace by time — 时间过半、任务过半: by mid-year, half the task.

1. Before the target's period starts: NOT_STARTED.
2. No published record up to the date: NO_DATA.
3. The kind's measure gives a progress percentage, the percentage expected by then and whether
   the target is complete (see the ``_measure_*`` functions).
4. Complete: ACHIEVED. From the deadline on (a year-end review judges on 31 December itself),
   with only records from before it and on pace when last reported: YEAR_END_MISSING (the
   full-year figure is what is lacking, not the work). Otherwise, from the deadline on: OVERDUE.
5. Otherwise the shortfall (expected − progress, in percentage points; for growth targets
   target growth − actual growth, in points) decides: ≤ 0 ON_TRACK, ≤ the margin AT_RISK,
   beyond it BEHIND.

The README has the same rule as a table for officials; keep the two in step.
"""

import calendar
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tracking.rules import figures
from tracking.rules.choices import Direction, Kind, Period, Status

HUNDRED = Decimal(100)
# Progress may trail the time pace by up to this many percentage points and count as "at risk".
AT_RISK_MARGIN_POINTS = Decimal(10)
# Actual growth may trail the target growth by up to this many percentage points: "at risk".
GROWTH_AT_RISK_MARGIN_POINTS = Decimal(1)


@dataclass(frozen=True)
class TargetFacts:
    """What the rule needs to know of a target and its published records up to the date."""

    kind: str
    direction: str
    starts_on: datetime.date
    deadline: datetime.date
    baseline_value: Decimal | None = None
    target_value: Decimal | None = None
    target_growth_pct: Decimal | None = None
    measure_unit: str = ""
    quota_period: str = ""
    latest_as_of: datetime.date | None = None
    latest_value: Decimal | None = None
    latest_growth_pct: Decimal | None = None
    # Quota targets: the value reported on each date (the count within that date's period).
    period_values: dict = field(default_factory=dict)
    # Milestone targets: how many stages there are, how many are reached, when each is due.
    stage_count: int = 0
    stages_reached: int = 0
    stage_due_dates: list = field(default_factory=list)


@dataclass(frozen=True)
class Assessment:
    status: Status
    on: datetime.date
    as_of: datetime.date | None = None
    progress_pct: Decimal | None = None
    expected_pct: Decimal | None = None
    formula: str = ""
    threshold: str = ""
    summary: str = ""

    @property
    def progress_for_bar(self):
        """Progress clipped to 0–100 for a progress bar; the figure itself may exceed 100."""
        if self.progress_pct is None:
            return None
        return max(Decimal(0), min(HUNDRED, self.progress_pct))


@dataclass(frozen=True)
class _Measure:
    progress_pct: Decimal | None
    expected_pct: Decimal | None
    complete: bool
    shortfall: Decimal | None
    margin: Decimal
    # Called only where the explanation is shown (the target page): building its text, with
    # translated and localised figures, is most of the rule's cost on a list of targets.
    formula: object


def assess(facts, on, *, explain=True):
    """The status of a target on the date ``on`` (the rule in this module's docstring).

    With ``explain=False`` the figures only: no formula, threshold or summary text (lists and
    the stored assessment show none of it).
    """
    if on < facts.starts_on:
        return Assessment(
            Status.NOT_STARTED,
            on,
            summary=_("计划期自%(start)s开始，尚未开始。") % {"start": date_format(facts.starts_on)}
            if explain
            else "",
        )
    if facts.latest_as_of is None:
        return Assessment(
            Status.NO_DATA,
            on,
            summary=_("截至%(on)s尚无已发布的进度数据。") % {"on": date_format(on)}
            if explain
            else "",
        )
    measure = MEASURES[facts.kind](facts)
    if measure.shortfall is None:
        return Assessment(
            Status.NO_DATA,
            on,
            facts.latest_as_of,
            formula=measure.formula() if explain else "",
            summary=_("数据不足，无法计算进度。") if explain else "",
        )
    if not explain:
        return Assessment(
            _decide(facts, on, measure),
            on,
            as_of=facts.latest_as_of,
            progress_pct=measure.progress_pct,
            expected_pct=measure.expected_pct,
        )
    result = _decide(facts, on, measure)
    if result == Status.ACHIEVED:
        result, why = Status.ACHIEVED, _("目标已完成。")
    elif result == Status.YEAR_END_MISSING:
        why = _(
            "已到完成期限%(deadline)s；最新数据截至%(as_of)s，当时进度达标，"
            "但缺少全年数据，无法判定是否完成。"
        ) % {
            "deadline": date_format(facts.deadline),
            "as_of": date_format(facts.latest_as_of),
        }
    elif result == Status.OVERDUE:
        why = _("完成期限%(deadline)s已过，目标尚未完成。") % {
            "deadline": date_format(facts.deadline)
        }
    elif result == Status.ON_TRACK:
        why = _("进度不低于应达进度。")
    elif result == Status.AT_RISK:
        why = _("落后应达进度%(gap)s个百分点，未超过%(margin)s个百分点。") % {
            "gap": figures.plain(measure.shortfall),
            "margin": figures.plain(measure.margin),
        }
    else:
        why = _("落后应达进度%(gap)s个百分点，超过%(margin)s个百分点。") % {
            "gap": figures.plain(measure.shortfall),
            "margin": figures.plain(measure.margin),
        }
    threshold = _(
        "不低于应达进度为“按进度推进”；落后不超过%(margin)s个百分点为“存在风险”；"
        "落后更多为“进度滞后”；期限已过仍未完成为“逾期未完成”。"
    ) % {"margin": figures.plain(measure.margin)}
    return Assessment(
        result,
        on,
        as_of=facts.latest_as_of,
        progress_pct=measure.progress_pct,
        expected_pct=measure.expected_pct,
        formula=measure.formula(),
        threshold=threshold,
        summary=_("截至%(as_of)s：%(why)s")
        % {"as_of": date_format(facts.latest_as_of), "why": why},
    )


def _decide(facts, on, measure):
    """Points 4 and 5 of the rule: the status a measured target has on ``on``."""
    if measure.complete:
        return Status.ACHIEVED
    if on >= facts.deadline and facts.latest_as_of < facts.deadline and measure.shortfall <= 0:
        return Status.YEAR_END_MISSING
    if on >= facts.deadline:
        return Status.OVERDUE
    if measure.shortfall <= 0:
        return Status.ON_TRACK
    if measure.shortfall <= measure.margin:
        return Status.AT_RISK
    return Status.BEHIND


def time_share(starts_on, deadline, on):
    """The share of the period elapsed on ``on`` (counting that day), between 0 and 1."""
    total = (deadline - starts_on).days + 1
    elapsed = (on - starts_on).days + 1
    return max(Decimal(0), min(Decimal(1), Decimal(elapsed) / Decimal(total)))


def _pct(part, whole):
    return (Decimal(part) / Decimal(whole) * HUNDRED).quantize(Decimal("0.1"))


def _paced(facts, progress, formula, complete):
    expected = _pct(time_share(facts.starts_on, facts.deadline, facts.latest_as_of), 1)
    return _Measure(
        progress,
        expected,
        complete,
        expected - progress,
        AT_RISK_MARGIN_POINTS,
        lambda: (
            formula()
            + _("；应达进度 = 已过天数 ÷ 计划期总天数 × 100%% = %(expected)s%%")
            % {"expected": figures.plain(expected)}
        ),
    )


def _measure_growth(facts):
    actual, goal = facts.latest_growth_pct, facts.target_growth_pct
    if actual is None:
        return _Measure(None, None, False, None, GROWTH_AT_RISK_MARGIN_POINTS, str)
    increase = facts.direction == Direction.INCREASE
    shortfall = goal - actual if increase else actual - goal
    progress = _pct(actual, goal) if increase and goal > 0 else None

    def formula():
        return _(
            "实际累计增速%(actual)s%% 对比目标增速%(goal)s%%（增速直接比较，不按时间折算）"
        ) % {"actual": figures.plain(actual), "goal": figures.plain(goal)}

    complete = shortfall <= 0 and facts.latest_as_of >= facts.deadline
    return _Measure(
        progress,
        HUNDRED if progress is not None else None,
        complete,
        shortfall,
        GROWTH_AT_RISK_MARGIN_POINTS,
        formula,
    )


def _measure_amount(facts):
    actual, goal, base = facts.latest_value, facts.target_value, facts.baseline_value
    if facts.direction == Direction.INCREASE:
        progress = _pct(actual, goal) if goal > 0 else HUNDRED
        formula = _("完成进度 = 累计实际值%(actual)s ÷ 目标值%(goal)s × 100%% = %(progress)s%%")
        return _paced(
            facts,
            progress,
            lambda: (
                formula
                % {
                    "actual": figures.plain(actual),
                    "goal": figures.plain(goal),
                    "progress": figures.plain(progress),
                }
            ),
            complete=progress >= HUNDRED,
        )
    if base is not None and base > goal:
        progress = _pct(base - actual, base - goal)
        formula = _(
            "完成进度 = (基数%(base)s − 实际值%(actual)s) ÷ (基数%(base)s − 目标值"
            "%(goal)s) × 100%% = %(progress)s%%"
        )
        return _paced(
            facts,
            progress,
            lambda: (
                formula
                % {
                    "base": figures.plain(base),
                    "actual": figures.plain(actual),
                    "goal": figures.plain(goal),
                    "progress": figures.plain(progress),
                }
            ),
            complete=progress >= HUNDRED,
        )
    return _measure_ceiling(facts)


def _measure_ceiling(facts):
    """A less-is-better figure with no baseline to reduce from: the target is a ceiling."""
    actual, ceiling = facts.latest_value, facts.target_value
    progress = HUNDRED if actual <= ceiling else _pct(ceiling, actual)

    def formula():
        return _("上限目标：实际值%(actual)s 不超过上限%(goal)s 即为达标") % {
            "actual": figures.plain(actual),
            "goal": figures.plain(ceiling),
        }

    complete = actual <= ceiling and facts.latest_as_of >= facts.deadline
    return _Measure(progress, HUNDRED, complete, HUNDRED - progress, AT_RISK_MARGIN_POINTS, formula)


def _measure_level(facts):
    """A level to reach or keep is judged against itself on every date, not by time pace."""
    if facts.direction == Direction.DECREASE:
        return _measure_ceiling(facts)
    actual, goal = facts.latest_value, facts.target_value
    progress = _pct(actual, goal) if goal > 0 else HUNDRED

    def formula():
        return _(
            "达到率 = 实际水平%(actual)s ÷ 目标水平%(goal)s × 100%% = %(progress)s%%；"
            "水平类目标每个时点都应达到目标"
        ) % {
            "actual": figures.plain(actual),
            "goal": figures.plain(goal),
            "progress": figures.plain(progress),
        }

    complete = progress >= HUNDRED and facts.latest_as_of >= facts.deadline
    return _Measure(progress, HUNDRED, complete, HUNDRED - progress, AT_RISK_MARGIN_POINTS, formula)


def _measure_quota(facts):
    """Each period (month or quarter) must reach the quota on its own."""
    judged_until = facts.latest_as_of
    periods = _periods(facts.starts_on, min(judged_until, facts.deadline), facts.quota_period)
    met = judged = 0
    for first, last in periods:
        in_period = [d for d in facts.period_values if first <= d <= last]
        value = facts.period_values[max(in_period)] if in_period else Decimal(0)
        reached = value >= facts.target_value
        if last <= judged_until or reached:
            judged += 1
            met += reached
    progress = _pct(met, judged) if judged else HUNDRED
    all_periods = len(_periods(facts.starts_on, facts.deadline, facts.quota_period))

    def formula():
        return _(
            "达标周期占比 = 达到定额的周期数%(met)s ÷ 已考核周期数%(judged)s × 100%% = "
            "%(progress)s%%；每个周期都应达到定额%(goal)s"
        ) % {
            "met": met,
            "judged": judged,
            "progress": figures.plain(progress),
            "goal": figures.plain(facts.target_value),
        }

    complete = met == all_periods
    return _Measure(progress, HUNDRED, complete, HUNDRED - progress, AT_RISK_MARGIN_POINTS, formula)


def _measure_milestone(facts):
    if not facts.stage_count:
        return _Measure(
            None, None, False, None, AT_RISK_MARGIN_POINTS, lambda: str(_("未设置阶段节点"))
        )
    progress = _pct(facts.stages_reached, facts.stage_count)

    def formula():
        return _("完成进度 = 已完成阶段%(done)s ÷ 阶段总数%(total)s × 100%% = %(progress)s%%") % {
            "done": facts.stages_reached,
            "total": facts.stage_count,
            "progress": figures.plain(progress),
        }

    complete = facts.stages_reached >= facts.stage_count
    if facts.stage_due_dates and all(facts.stage_due_dates):
        due = sum(1 for d in facts.stage_due_dates if d <= facts.latest_as_of)
        expected = _pct(due, facts.stage_count)
        return _Measure(
            progress,
            expected,
            complete,
            expected - progress,
            AT_RISK_MARGIN_POINTS,
            lambda: (
                formula()
                + _("；应达进度 = 到期阶段%(due)s ÷ 阶段总数 × 100%% = %(expected)s%%")
                % {"due": due, "expected": figures.plain(expected)}
            ),
        )
    return _paced(facts, progress, formula, complete)


def _periods(starts_on, until, period):
    """The (first day, last day) of each month or quarter from starts_on up to ``until``."""
    months = 3 if period == Period.QUARTER else 1
    result = []
    year, month = starts_on.year, starts_on.month
    while datetime.date(year, month, 1) <= until:
        end_month = month + months - 1
        end_year = year + (end_month - 1) // 12
        end_month = (end_month - 1) % 12 + 1
        last = datetime.date(end_year, end_month, calendar.monthrange(end_year, end_month)[1])
        result.append((max(starts_on, datetime.date(year, month, 1)), last))
        year, month = end_year + end_month // 12, end_month % 12 + 1
    return result


MEASURES = {
    Kind.GROWTH: _measure_growth,
    Kind.AMOUNT: _measure_amount,
    Kind.LEVEL: _measure_level,
    Kind.QUOTA: _measure_quota,
    Kind.MILESTONE: _measure_milestone,
}


def tally(assessments):
    """How many of the assessments have each status: (status, count) in the Status order."""
    counts = {status: 0 for status in Status}
    for assessment in assessments:
        counts[assessment.status] += 1
    return list(counts.items())


def tally_counted(pairs):
    """A tally from (status, count) pairs the database counted, in the Status order."""
    counted = dict(pairs)
    return [(status, counted.get(status, 0)) for status in Status]


# Below the expected pace: what supervision reports count as 欠进度.
LAGGING = (Status.AT_RISK, Status.BEHIND, Status.OVERDUE)


def lagging_count(counts):
    """How many of a tally's targets are 欠进度 (at risk, behind or overdue)."""
    return sum(count for status, count in counts if status in LAGGING)


def share_pct(part, whole):
    """``part`` as a percentage of ``whole``, to 0.1; None when there is no whole."""
    return _pct(part, whole) if whole else None
