"""Chart geometry for server-rendered SVG: pure functions from figures to coordinates.

The templates draw what these return (templates/tracking/includes/progress_chart.html and
status_bar.html); every chart has a table or list beside it with the same figures. No JavaScript,
nothing fetched from elsewhere.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

# The drawing area of the progress chart, in SVG user units (the viewBox); CSS scales it.
WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 32
PLOT_WIDTH = WIDTH - LEFT - RIGHT
PLOT_HEIGHT = HEIGHT - TOP - BOTTOM
STEP = Decimal(25)
MID_MONTH = datetime.timedelta(days=14)


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str = ""


@dataclass(frozen=True)
class ProgressChart:
    """Progress (% of the goal) over the target's period against the expected pace and 100%."""

    actual: list
    expected: list
    goal_y: float
    y_ticks: list
    x_ticks: list
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


def progress_chart(series, starts_on, deadline):
    """``series``: (date, progress %, expected %) per published date, oldest first; either
    percentage may be None. Returns None when there is nothing to draw."""
    drawn = [(day, p, e) for day, p, e in series if p is not None]
    if not drawn:
        return None
    figures = [Decimal(100)] + [p for _, p, _ in drawn] + [e for _, _, e in drawn if e is not None]
    top = _round_out(max(figures))
    bottom = min(Decimal(0), -_round_out(-min(figures)))

    def y(value):
        return round(TOP + float((top - value) / (top - bottom)) * PLOT_HEIGHT, 1)

    span = max((deadline - starts_on).days, 1)

    def x(day):
        share = min(max((day - starts_on).days / span, 0), 1)
        return round(LEFT + share * PLOT_WIDTH, 1)

    ticks = [bottom + STEP * n for n in range(int((top - bottom) / STEP) + 1)]
    months = [
        datetime.date(year, month, 1)
        for year in range(starts_on.year, deadline.year + 1)
        for month in range(1, 13)
        if starts_on <= datetime.date(year, month, 1) <= deadline
    ]
    return ProgressChart(
        actual=[Point(x(day), y(p), f"{p}%") for day, p, _ in drawn],
        expected=[Point(x(day), y(e), f"{e}%") for day, _, e in drawn if e is not None],
        goal_y=y(Decimal(100)),
        y_ticks=[Point(LEFT, y(t), f"{t}%") for t in ticks],
        # Each month's number sits in the middle of its month, so a record of 31 March is
        # drawn at the right end of "3".
        x_ticks=[Point(x(m + MID_MONTH), HEIGHT - BOTTOM, str(m.month)) for m in months],
    )


def _round_out(value):
    """The next multiple of STEP at or above ``value``."""
    return (
        (value / STEP).to_integral_value(rounding=ROUND_CEILING) * STEP if value > 0 else STEP * 0
    )


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
