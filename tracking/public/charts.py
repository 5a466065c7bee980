"""Chart geometry for server-rendered SVG: pure functions from figures to coordinates.

The templates draw what these return (templates/tracking/includes/progress_chart.html and
status_bar.html); every chart has a table or list beside it with the same figures. No JavaScript,
nothing fetched from elsewhere.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from tracking.rules import figures

# The drawing area of the progress chart, in SVG user units (the viewBox); CSS scales it.
WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 32
PLOT_WIDTH = WIDTH - LEFT - RIGHT
PLOT_HEIGHT = HEIGHT - TOP - BOTTOM
# The y axis gets at most this many intervals, whatever the figures.
MAX_INTERVALS = 6
# Nor does it grow past this many times the goal line (at least 400%): a typo of 5,000,000 亩
# for 500 亩 is drawn at the top edge, marked with its figure, instead of flattening the chart.
AXIS_LIMIT_TIMES_GOAL = 4
AXIS_LIMIT_MIN = Decimal(400)
NICE_STEPS = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5))
MID_MONTH = datetime.timedelta(days=14)
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str = ""


@dataclass(frozen=True)
class ProgressChart:
    """A target's figure over its period against the expected pace and the goal line.

    Most targets chart progress as a percentage of the goal (goal line 100%); growth targets
    chart the growth rate itself against the target growth (``measures_growth``).
    """

    actual: list
    expected: list
    # Points above the axis limit, drawn at its top edge with their figure.
    off_scale: list
    goal_y: float
    goal_label: str
    y_ticks: list
    x_ticks: list
    measures_growth: bool = False
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    bottom_edge: int = HEIGHT - BOTTOM

    @property
    def actual_path(self):
        return _polyline(self.actual)

    @property
    def expected_path(self):
        return _polyline(self.expected)


def chart_for(target, history):
    """The chart of a target's page from its ``progress_history()``: growth targets chart
    their growth rate, every other kind its progress percentage."""
    if target.kind == target.Kind.GROWTH:
        return progress_chart(
            [(record.as_of, record.growth_pct, None) for record, _ in history],
            target.starts_on,
            target.deadline,
            goal=target.target_growth_pct,
            measures_growth=True,
        )
    return progress_chart(
        [(record.as_of, then.progress_pct, then.expected_pct) for record, then in history],
        target.starts_on,
        target.deadline,
    )


def progress_chart(series, starts_on, deadline, goal=HUNDRED, measures_growth=False):
    """``series``: (date, figure %, expected %) per published date, oldest first; either
    percentage may be None. ``goal`` is where the goal line is drawn. Returns None when there
    is nothing to draw."""
    drawn = [(day, p, e) for day, p, e in series if p is not None]
    if not drawn:
        return None
    limit = max(AXIS_LIMIT_MIN, abs(goal) * AXIS_LIMIT_TIMES_GOAL)
    values = [goal, Decimal(0)] + [p for _, p, _ in drawn] + [e for _, _, e in drawn if e]
    bottom, top, step = nice_axis(max(min(values), -limit), min(max(values), limit))

    def y(value):
        value = min(max(value, bottom), top)
        return round(TOP + float((top - value) / (top - bottom)) * PLOT_HEIGHT, 1)

    span = max((deadline - starts_on).days, 1)

    def x(day):
        share = min(max((day - starts_on).days / span, 0), 1)
        return round(LEFT + share * PLOT_WIDTH, 1)

    ticks = [bottom + step * n for n in range(int((top - bottom) / step) + 1)]
    months = [
        datetime.date(year, month, 1)
        for year in range(starts_on.year, deadline.year + 1)
        for month in range(1, 13)
        if starts_on <= datetime.date(year, month, 1) <= deadline
    ]
    return ProgressChart(
        actual=[Point(x(day), y(p), f"{figures.plain(p)}%") for day, p, _ in drawn],
        off_scale=[
            Point(x(day), TOP + 12, f"↑ {figures.plain(p)}%") for day, p, _ in drawn if p > top
        ],
        expected=[
            Point(x(day), y(e), f"{figures.plain(e)}%") for day, _, e in drawn if e is not None
        ],
        goal_y=y(goal),
        goal_label=f"{figures.plain(goal)}%",
        y_ticks=[Point(LEFT, y(t), f"{figures.plain(t)}%") for t in ticks],
        # Each month's number sits in the middle of its month, so a record of 31 March is
        # drawn at the right end of "3".
        x_ticks=[Point(x(m + MID_MONTH), HEIGHT - BOTTOM, str(m.month)) for m in months],
        measures_growth=measures_growth,
    )


def nice_axis(low, high):
    """(bottom, top, step) of an axis covering low..high in at most MAX_INTERVALS steps of
    1, 2, 2.5 or 5 times a power of ten."""
    span = max(high - low, Decimal(1))
    magnitude = Decimal(10) ** (span / MAX_INTERVALS).adjusted()
    for factor in (*NICE_STEPS, Decimal(10)):
        step = factor * magnitude
        bottom = (low / step).to_integral_value(rounding=ROUND_FLOOR) * step
        top = (high / step).to_integral_value(rounding=ROUND_CEILING) * step
        if (top - bottom) / step <= MAX_INTERVALS:
            break
    if top == bottom:
        top = bottom + step
    return bottom, top, step


def _polyline(points):
    return " ".join(f"{p.x},{p.y}" for p in points)


@dataclass(frozen=True)
class Segment:
    status: object
    count: int
    x: float
    width: float


def stacked_bar(counts):
    """``counts``: (status, count) pairs; the bar's segments on a 0–100 scale, empty ones left
    out."""
    total = sum(count for _, count in counts)
    segments, start = [], 0.0
    for status, count in counts:
        if not count:
            continue
        width = round(count / total * 100, 2)
        segments.append(Segment(status, count, round(start, 2), width))
        start += width
    return segments
