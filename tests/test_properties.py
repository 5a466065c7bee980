"""Property-based tests (hypothesis) of the status rule and the spreadsheet cell parsers.

The table-driven tests in test_status.py and test_cells.py pin the cases people thought of;
these throw thousands of generated ones at the same functions and check what must always hold.
"""

import datetime
from decimal import Decimal

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tracking.rules import status
from tracking.rules.status import Status, TargetFacts
from tracking.spreadsheets import cells, escape_formula

# Deterministic in CI (no flaky failure depending on the seed), no per-example deadline on a
# shared 2-core machine.
PROPERTY = settings(max_examples=150, deadline=None, derandomize=True)

START = datetime.date(2022, 1, 1)
DEADLINE = datetime.date(2022, 12, 31)

# What the model's fields can hold: figures max_digits=16, decimal_places=4; growth 7/2.
figures = st.decimals(
    min_value=Decimal(0), max_value=Decimal("999999999999.9999"), places=4, allow_nan=False
)
positive_figures = figures.filter(lambda d: d > 0)
growths = st.decimals(min_value=Decimal("-999.99"), max_value=Decimal("999.99"), places=2)
days_in_2022 = st.dates(min_value=START, max_value=DEADLINE)
any_day = st.dates(min_value=datetime.date(2021, 1, 1), max_value=datetime.date(2024, 12, 31))

# Better status, higher rank; a target past its deadline is achieved, overdue, or (on pace
# when last reported, before the deadline) lacking its full-year figure.
RANK = {
    Status.OVERDUE: 0,
    Status.YEAR_END_MISSING: 0.5,
    Status.BEHIND: 1,
    Status.AT_RISK: 2,
    Status.ON_TRACK: 3,
    Status.ACHIEVED: 4,
}


def amount(value, goal, as_of, direction="increase", baseline=None):
    return TargetFacts(
        kind="amount",
        direction=direction,
        starts_on=START,
        deadline=DEADLINE,
        target_value=goal,
        baseline_value=baseline,
        latest_as_of=as_of,
        latest_value=value,
    )


def growth(actual, goal, as_of):
    return TargetFacts(
        kind="growth",
        direction="increase",
        starts_on=START,
        deadline=DEADLINE,
        target_growth_pct=goal,
        latest_as_of=as_of,
        latest_growth_pct=actual,
    )


def later_of(as_of, on):
    return max(as_of, on)


@st.composite
def any_facts(draw):
    """Facts of every kind, as the database could hold them."""
    kind = draw(st.sampled_from(["amount", "growth", "level", "quota", "milestone"]))
    as_of = draw(st.none() | days_in_2022)
    stage_count = draw(st.integers(0, 8))
    quota_dates = draw(st.lists(days_in_2022, max_size=12, unique=True))
    return TargetFacts(
        kind=kind,
        direction=draw(st.sampled_from(["increase", "decrease"])),
        starts_on=START,
        deadline=DEADLINE,
        baseline_value=draw(st.none() | figures),
        target_value=draw(positive_figures),
        target_growth_pct=draw(growths),
        quota_period=draw(st.sampled_from(["month", "quarter"])),
        latest_as_of=as_of,
        latest_value=draw(figures),
        latest_growth_pct=draw(st.none() | growths),
        period_values={d: draw(figures) for d in quota_dates},
        stage_count=stage_count,
        stages_reached=draw(st.integers(0, stage_count)),
        stage_due_dates=draw(st.lists(st.none() | days_in_2022, max_size=stage_count)),
    )


@PROPERTY
@given(facts=any_facts(), on=any_day)
def test_every_target_gets_a_status_and_an_explanation(facts, on):
    on = later_of(facts.latest_as_of, on) if facts.latest_as_of else on
    assessment = status.assess(facts, on)
    assert assessment.status in Status
    assert assessment.summary, "a status without an explanation"
    if assessment.progress_for_bar is not None:
        assert 0 <= assessment.progress_for_bar <= 100


@PROPERTY
@given(facts=any_facts(), on=any_day)
def test_before_the_period_nothing_has_started_and_without_records_there_is_no_data(facts, on):
    assume(on >= START)
    assert status.assess(facts, START - datetime.timedelta(days=1)).status == Status.NOT_STARTED
    without_records = TargetFacts(**{**facts.__dict__, "latest_as_of": None})
    assert status.assess(without_records, on).status == Status.NO_DATA


@PROPERTY
@given(low=figures, high=figures, goal=positive_figures, as_of=days_in_2022, on=any_day)
def test_more_of_an_amount_never_makes_the_status_worse(low, high, goal, as_of, on):
    low, high = sorted([low, high])
    on = later_of(as_of, on)
    worse = status.assess(amount(low, goal, as_of), on).status
    better = status.assess(amount(high, goal, as_of), on).status
    assert RANK[better] >= RANK[worse], (low, high, worse, better)


@PROPERTY
@given(
    low=figures,
    high=figures,
    goal=figures,
    baseline=positive_figures,
    as_of=days_in_2022,
    on=any_day,
)
def test_less_of_a_reduction_target_never_makes_the_status_worse(
    low, high, goal, baseline, as_of, on
):
    low, high = sorted([low, high])
    on = later_of(as_of, on)
    with_less = status.assess(amount(low, goal, as_of, "decrease", baseline), on).status
    with_more = status.assess(amount(high, goal, as_of, "decrease", baseline), on).status
    assert RANK[with_less] >= RANK[with_more], (low, high, with_less, with_more)


@PROPERTY
@given(value=figures, goal=positive_figures, as_of=days_in_2022, on=any_day)
def test_an_amount_is_achieved_exactly_when_it_reaches_the_goal(value, goal, as_of, on):
    on = later_of(as_of, on)
    achieved = status.assess(amount(value, goal, as_of), on).status == Status.ACHIEVED
    # The percentage is rounded to 0.1, so a value within 0.05% of the goal counts as reaching it.
    assert achieved == (value / goal * 100 >= Decimal("99.95")), (value, goal)


@PROPERTY
@given(value=figures, goal=positive_figures, as_of=days_in_2022)
def test_past_the_deadline_a_target_is_achieved_or_overdue(value, goal, as_of):
    after = DEADLINE + datetime.timedelta(days=1)
    found = status.assess(amount(value, goal, as_of), after).status
    assert found in (Status.ACHIEVED, Status.OVERDUE, Status.YEAR_END_MISSING)
    if as_of == DEADLINE:
        assert found != Status.YEAR_END_MISSING, "a full-year record decides it"


@PROPERTY
@given(goal=positive_figures, as_of=days_in_2022)
def test_keeping_pace_with_time_is_on_track(goal, as_of):
    share = status.time_share(START, DEADLINE, as_of)
    on_pace = goal * share
    assessment = status.assess(amount(on_pace, goal, as_of), as_of)
    assert assessment.status in (Status.ON_TRACK, Status.ACHIEVED, Status.AT_RISK)
    # Rounding to 0.1 percentage point may cost at most that much: never "behind".
    assert assessment.expected_pct - assessment.progress_pct <= Decimal("0.1")


@PROPERTY
@given(low=growths, high=growths, goal=growths, as_of=days_in_2022, on=any_day)
def test_faster_growth_never_makes_the_status_worse(low, high, goal, as_of, on):
    low, high = sorted([low, high])
    on = later_of(as_of, on)
    worse = status.assess(growth(low, goal, as_of), on).status
    better = status.assess(growth(high, goal, as_of), on).status
    assert RANK[better] >= RANK[worse], (low, high, goal, worse, better)


# Cells. Anything a file can hold is read or refused with a ValueError, never another error.

cell_text = st.text(max_size=40) | st.from_regex(
    r"[+\-]?[0-9０-９,，.．]{0,12}[%％亿万元亩年月日/\-.]{0,3}[0-9]{0,4}", fullmatch=True
)
cell_values = (
    cell_text
    | st.none()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.decimals(allow_nan=True, allow_infinity=True)
    | st.booleans()
)


@PROPERTY
@given(value=cell_values)
def test_any_cell_is_read_or_refused_with_a_message(value):
    for parse in (
        cells.parse_number,
        cells.parse_percent,
        cells.parse_date,
        lambda v: cells.parse_quantity(v, "万元"),
        lambda v: cells.parse_quantity(v, "亩", "公顷"),
    ):
        try:
            parse(value)
        except ValueError as error:
            assert str(error), f"{parse} refused {value!r} without a message"


@PROPERTY
@given(
    number=st.decimals(
        min_value=Decimal("-999999999999.9999"),
        max_value=Decimal("999999999999.9999"),
        places=4,
        allow_nan=False,
    ),
    grouped=st.booleans(),
    full_width=st.booleans(),
)
def test_a_number_written_any_accepted_way_reads_back_as_itself(number, grouped, full_width):
    text = f"{number:,f}" if grouped else f"{number:f}"
    if full_width:
        text = text.translate(str.maketrans("0123456789,.-", "０１２３４５６７８９，．－"))
    assert cells.parse_number(f" {text} ") == number, text
    assert cells.parse_percent(f"{text}%") == number, text


@PROPERTY
@given(day=st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2100, 12, 31)))
def test_a_date_written_any_accepted_way_reads_back_as_itself(day):
    written = [
        day.isoformat(),
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year}.{day.month}.{day.day}",
        f"{day.year}年{day.month}月{day.day}日",
        day.strftime("%Y%m%d"),
        f"{day.isoformat()} 08:30:00",
        (day - datetime.date(1899, 12, 30)).days,
    ]
    for text in written:
        assert cells.parse_date(text) == day, text
    month_end = cells.parse_date(f"{day.year}年{day.month}月")
    assert (month_end.year, month_end.month) == (day.year, day.month)
    assert (month_end + datetime.timedelta(days=1)).day == 1, "a month means its last day"


# What Excel, WPS and LibreOffice take for the start of a formula (OWASP's CSV injection list),
# written here, not read from tracking/spreadsheets/cells.py, so that dropping one there fails here.
SPREADSHEET_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@PROPERTY
@given(text=st.text(max_size=40).map(str.strip))
def test_exported_text_is_inert_and_imports_back_unchanged(text):
    exported = escape_formula(text)
    assume(not cells._NUMBER.match(text))
    assert not exported.startswith(SPREADSHEET_FORMULA_STARTS), exported
    assert cells.parse_text(exported) == text
