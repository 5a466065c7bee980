"""The public pages: a plan's overview, a page per task area and per target, the year in review,
and a printable progress report. No login; only published progress (Target.with_progress());
each page runs a fixed number of queries and is cached until the data change.

Every page judges the plan on one date, ``?on=YYYY-MM-DD`` (see ``judgement_date``), and says
which; the status rule itself is tracking/rules/status.py, reached through Target.assess(on).
"""

import datetime
import re
from dataclasses import dataclass, field
from functools import cached_property, wraps
from urllib.parse import quote

from django.core.exceptions import BadRequest
from django.db.models import Count, Max
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from tracking.models import Plan, ProgressRecord, Target, TaskArea
from tracking.public import charts
from tracking.public.cache import cached_public
from tracking.rules import choices, status

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def get_plan(jurisdiction, year):
    """The plan a public URL names, or 404."""
    return get_object_or_404(
        Plan.objects.select_related("jurisdiction"), jurisdiction__slug=jurisdiction, year=year
    )


@dataclass(frozen=True)
class JudgementDate:
    """The date a page judges its plan on, and how it came to be that date."""

    plan: Plan
    on: datetime.date
    # The date the visitor asked for, when it lay outside the plan's year and was moved into it.
    asked: datetime.date | None = None
    # Whether ?on= was given: links then carry it on to the next page.
    chosen: bool = False

    @property
    def query(self):
        """The query string that keeps this date on a link to another page of the plan."""
        return f"?on={self.on.isoformat()}" if self.chosen else ""

    @property
    def is_year_end_review(self):
        return self.plan.is_closed_on(self.on)


def parse_judgement_date(text):
    """``?on=`` as a date, or BadRequest saying what a good one looks like."""
    try:
        if not ISO_DATE.fullmatch(text):
            raise ValueError(text)
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise BadRequest(
            _("参数 on 应为 YYYY-MM-DD 格式的日期，如 2022-06-30；收到的是“%(value)s”。")
            % {"value": text[:40]}
        ) from None


def judgement_date(request, plan):
    """``?on=`` if given (moved into the plan's year if outside it), else the plan's default:
    today while its year runs, its year end once it is over (on a demo site, the mid-year date
    its demo progress runs up to)."""
    text = request.GET.get("on", "").strip()
    if not text:
        return JudgementDate(plan, plan.public_judgement_date())
    asked = parse_judgement_date(text)
    on = plan.judgement_date_within_year(asked)
    return JudgementDate(plan, on, asked=asked if on != asked else None, chosen=True)


def public_page(view):
    """A public page: cached per judgement date, and a bad ``?on=`` answered with a 400 page
    that says what was wrong (Django's own 400 page says nothing, by design)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except BadRequest as error:
            return render(request, "400.html", {"message": str(error)}, status=400)

    return cached_public(params=("on",))(wrapper)


@dataclass
class AreaProgress:
    """A task area (or the whole plan), how many of its targets have each status, and the rows
    the page lists: (target, its assessment, the figure it rests on)."""

    area: object
    counts: list  # (status, count) in the Status order, as status.tally() gives them
    rows: list = field(default_factory=list)

    @classmethod
    def of_rows(cls, area, rows):
        return cls(area, status.tally(assessment for _, assessment, _ in rows), rows)

    @property
    def present_counts(self):
        """The statuses some target has, with their counts, in the Status order."""
        return [(state, count) for state, count in self.counts if count]

    @cached_property
    def total(self):
        return sum(count for _, count in self.counts)

    @cached_property
    def lagging(self):
        return status.lagging_count(self.counts)

    @property
    def lagging_pct(self):
        return status.share_pct(self.lagging, self.total)

    @property
    def bar(self):
        return charts.stacked_bar(self.counts)


@dataclass(frozen=True)
class Named:
    """A related row the lists name in both languages (a unit, a stage)."""

    name: str
    name_en: str


@dataclass(frozen=True)
class ReportConflict:
    """A target whose figures the report states inconsistently, as the overview lists it."""

    code: str
    name: str
    name_en: str
    report_conflict: str
    report_conflict_en: str
    url: str

    FIELDS = ("code", "name", "name_en", "report_conflict", "report_conflict_en")

    @classmethod
    def in_plan(cls, plan):
        url_of = target_url_builder(plan)
        return [
            cls(*values, url=url_of(values[0]))
            for values in Target.objects.for_plan(plan)
            .exclude(report_conflict="")
            .in_report_order()
            .values_list(*cls.FIELDS)
        ]


@dataclass(frozen=True)
class LatestFigure:
    """The figure of the record a stored assessment rests on, with the attributes of a
    ProgressRecord that the lists show."""

    as_of: datetime.date
    value: object
    growth_pct: object
    milestone_id: int | None
    milestone: Named | None


class ListedTarget:
    """A target as the lists and the API show it: read with values() beside its stored
    assessment, so that a list of 150 targets builds no model instance. Its link is built
    from one reversed URL per page."""

    Kind = Target.Kind
    FIELDS = (
        "pk", "area_id", "area__numeral", "area__title", "area__title_en", "code", "name",
        "name_en", "kind", "direction", "measure_unit", "measure_unit_en", "baseline_year",
        "baseline_value", "target_value", "target_growth_pct", "original_target_value",
        "original_target_growth_pct", "revised_on", "quota_period", "deadline", "source_text",
        "report_conflict", "report_conflict_en", "responsible_unit__name",
        "responsible_unit__name_en",
    )  # fmt: skip
    STORED = (
        "stored_assessment__on", "stored_assessment__status", "stored_assessment__progress_pct",
        "stored_assessment__expected_pct", "stored_assessment__latest_as_of",
        "stored_assessment__latest_value", "stored_assessment__latest_growth_pct",
        "stored_assessment__latest_milestone_id", "stored_assessment__latest_milestone__name",
        "stored_assessment__latest_milestone__name_en",
    )  # fmt: skip
    level_implied_by = Target.level_implied_by
    implied_target_level = Target.implied_target_level

    def __init__(self, values, url_of):
        self.__dict__.update(values)
        self.url = url_of(self.code)
        unit = values["responsible_unit__name"]
        self.responsible_unit = (
            Named(unit, values["responsible_unit__name_en"]) if unit is not None else None
        )

    def get_quota_period_display(self):
        return Target.Period(self.quota_period).label if self.quota_period else ""

    def stored_on(self):
        return self.__dict__["stored_assessment__on"]

    def stored(self):
        """(assessment, latest figure) as stored: what Target.assess(on, explain=False) and
        Target.latest_record_on(on) gave when it was computed."""
        get = self.__dict__.get
        assessment = status.Assessment(
            choices.Status(get("stored_assessment__status")),
            get("stored_assessment__on"),
            as_of=get("stored_assessment__latest_as_of"),
            progress_pct=get("stored_assessment__progress_pct"),
            expected_pct=get("stored_assessment__expected_pct"),
        )
        if assessment.as_of is None:
            return assessment, None
        stage = get("stored_assessment__latest_milestone_id")
        growth = get("stored_assessment__latest_growth_pct")
        latest = LatestFigure(
            as_of=assessment.as_of,
            value=get("stored_assessment__latest_value"),
            growth_pct=growth,
            milestone_id=stage,
            milestone=Named(
                get("stored_assessment__latest_milestone__name"),
                get("stored_assessment__latest_milestone__name_en"),
            )
            if stage is not None
            else None,
        )
        return assessment, latest


def target_url_builder(plan):
    """code → the target page's URL, reversing the URL once for the whole list."""
    placeholder = "__code__"
    pattern = reverse("tracking:target", args=[*plan.url_args, placeholder])
    return lambda code: pattern.replace(placeholder, quote(code, safe="-._~!$&'()*+,;=:@"))


def assessed_rows(plan, targets, on):
    """(target, its assessment on ``on``, the figure it rests on) per target of ``targets``.

    From the stored assessments (one values() query) when every target has one for ``on`` —
    the plan's default date; for any other date, or before the daily refresh has brought the
    stored ones to a new day, the status rule assesses afresh from the published records
    (three queries more).
    """
    url_of = target_url_builder(plan)
    listed = [
        ListedTarget(values, url_of)
        for values in targets.values(*ListedTarget.FIELDS, *ListedTarget.STORED)
    ]
    if all(target.stored_on() == on for target in listed):
        return [(target, *target.stored()) for target in listed]
    fresh = {target.pk: target for target in targets.with_progress()}
    return [
        (
            target,
            fresh[target.pk].assess(on, explain=False),
            fresh[target.pk].latest_record_on(on),
        )
        for target in listed
    ]


def assess_by_area(plan, on):
    """Every area of the plan, in order, with its targets assessed on ``on`` (2 queries from
    the stored assessments)."""
    areas = list(plan.areas.all())
    rows_by_area = {area.pk: [] for area in areas}
    for row in assessed_rows(plan, Target.objects.for_plan(plan).in_report_order(), on):
        rows_by_area[row[0].area_id].append(row)
    return [AreaProgress.of_rows(area, rows_by_area[area.pk]) for area in areas]


def count_by_area(plan, on):
    """({area pk: (status, count) per status}, the date of the latest figure) for the plan's
    targets on ``on``, counted by the database from the stored assessments (one query); None
    where some target has none stored for ``on``: then only assessing every target afresh can
    count them."""
    counted, latest = {}, None
    rows = (
        Target.objects.for_plan(plan)
        .values_list("area_id", "stored_assessment__on", "stored_assessment__status")
        .annotate(count=Count("pk"), latest=Max("stored_assessment__latest_as_of"))
        .order_by()
    )
    for area_id, stored_on, state, count, latest_in_group in rows:
        if stored_on != on:
            return None
        counted.setdefault(area_id, []).append((state, count))
        if latest_in_group is not None:
            latest = max(latest, latest_in_group) if latest else latest_in_group
    return {area_id: status.tally_counted(pairs) for area_id, pairs in counted.items()}, latest


def overview(plan, on):
    """The overview's parts: every area with its counts, the first area (the main economic
    targets, which the overview lists) with its rows, and the date of the latest published
    figure on ``on``. From the stored assessments: counts and the first area's rows only (3
    queries); else, once the count has found a target without one stored for ``on``, every
    target assessed afresh (tests/test_public_query_counts.py counts both)."""
    counted = count_by_area(plan, on)
    if counted is None:
        latest = (
            ProgressRecord.objects.published().for_plan(plan).filter(as_of__lte=on).latest_as_of()
        )
        return assess_by_area(plan, on), latest
    counts, latest = counted
    areas = [AreaProgress(area, counts.get(area.pk, status.tally(()))) for area in plan.areas.all()]
    if areas:
        main = Target.objects.for_plan(plan).filter(area=areas[0].area).in_report_order()
        areas[0].rows = assessed_rows(plan, main, on)
    return areas, latest


def whole_plan(areas):
    """The plan as one area: the counts of all its areas summed."""
    return AreaProgress(
        None,
        [(state, sum(dict(area.counts)[state] for area in areas)) for state in choices.Status],
        [row for area in areas for row in area.rows],
    )


@public_page
def home(request):
    plan = Plan.objects.current()
    if plan is None:
        return render(request, "tracking/empty.html")
    return _render_overview(request, plan)


@public_page
def plan_detail(request, jurisdiction, year):
    return _render_overview(request, get_plan(jurisdiction, year))


def _render_overview(request, plan):
    judged = judgement_date(request, plan)
    areas, latest_as_of = overview(plan, judged.on)
    return render(
        request,
        "tracking/plan.html",
        {
            "plan": plan,
            "judged": judged,
            # The report states its main economic targets first (area 0), shown at a glance.
            "main": areas[0] if areas else None,
            "areas": areas,
            "whole": whole_plan(areas),
            "conflicts": ReportConflict.in_plan(plan),
            "latest_as_of": latest_as_of,
            "other_plans": Plan.objects.other_years_of(plan),
            "statuses": choices.Status,
        },
    )


@public_page
def plan_print(request, jurisdiction, year):
    """The whole plan, every area and target, laid out for A4 paper."""
    plan = get_plan(jurisdiction, year)
    judged = judgement_date(request, plan)
    areas = assess_by_area(plan, judged.on)
    return render(
        request,
        "tracking/plan_print.html",
        {
            "plan": plan,
            "judged": judged,
            "areas": areas,
            "whole": whole_plan(areas),
        },
    )


@public_page
def area_detail(request, jurisdiction, year, position):
    # The area with its plan in one query: the page reads nothing else of the plan.
    area = get_object_or_404(
        TaskArea.objects.select_related("plan__jurisdiction"),
        plan__jurisdiction__slug=jurisdiction,
        plan__year=year,
        position=position,
    )
    plan = area.plan
    judged = judgement_date(request, plan)
    targets = Target.objects.for_plan(plan).filter(area=area).in_report_order()
    progress = AreaProgress.of_rows(area, assessed_rows(plan, targets, judged.on))
    return render(
        request,
        "tracking/area.html",
        {"plan": plan, "judged": judged, "area": area, "progress": progress},
    )


@public_page
def target_detail(request, jurisdiction, year, code):
    # with_progress() joins the plan and its jurisdiction: no query of its own for the plan.
    target = get_object_or_404(
        Target.objects.with_progress(),
        plan__jurisdiction__slug=jurisdiction,
        plan__year=year,
        code=code,
    )
    plan = target.plan
    judged = judgement_date(request, plan)
    history = target.progress_history(judged.on)
    return render(
        request,
        "tracking/target.html",
        {
            "plan": plan,
            "judged": judged,
            "target": target,
            "assessment": target.assess(judged.on),
            "latest": target.latest_record_on(judged.on),
            "stages_reached": target.stages_reached_on(judged.on),
            "history": history,
            "chart": charts.chart_for(target, history),
            "corrections": ProgressRecord.objects.filter(target=target).corrections(),
        },
    )


@dataclass(frozen=True)
class ReportSection:
    """A heading of the report's look back, in both languages."""

    title: str
    title_en: str


@public_page
def previous_year(request, jurisdiction, year):
    """The results of the year before, grouped by the report's sections in its order."""
    plan = get_plan(jurisdiction, year)
    judged = judgement_date(request, plan)
    grouped = {}
    for result in plan.results.all():
        grouped.setdefault(ReportSection(result.section, result.section_en), []).append(result)
    return render(
        request,
        "tracking/previous_year.html",
        {"plan": plan, "judged": judged, "sections": grouped.items()},
    )
