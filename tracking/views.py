"""The public pages: a plan's overview, a page per task area and per target, the year in review,
and a printable progress report. No login; only published progress (Target.with_progress());
each page runs a fixed number of queries and is cached until the data change.

Every page judges the plan on one date, ``?on=YYYY-MM-DD`` (see ``judgement_date``), and says
which; the status rule itself is tracking/status.py, reached through Target.assess(on).
"""

import datetime
import re
from dataclasses import dataclass
from functools import cached_property, wraps

from django.conf import settings
from django.core.exceptions import BadRequest
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from tracking import charts, status
from tracking.models import Plan, ProgressRecord, Target
from tracking.public_cache import cached_public

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
        if settings.DEMO_DATA:
            return JudgementDate(plan, plan.judgement_date_within_year(settings.DEMO_AS_OF))
        return JudgementDate(plan, plan.default_judgement_date(timezone.localdate()))
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
    """A task area with each target's assessment, the record it rests on, and how many targets
    have each status."""

    area: object
    rows: list

    @cached_property
    def counts(self):
        return status.tally(assessment for _, assessment, _ in self.rows)

    @property
    def present_counts(self):
        """The statuses some target has, with their counts, in the Status order."""
        return [(state, count) for state, count in self.counts if count]

    @property
    def total(self):
        return len(self.rows)

    @cached_property
    def lagging(self):
        return status.lagging_count(self.counts)

    @property
    def lagging_pct(self):
        return status.share_pct(self.lagging, self.total)

    @property
    def bar(self):
        return charts.stacked_bar(self.counts)


def assessed_rows(targets, on):
    """(target, its assessment on ``on``, the published record it rests on) per target."""
    return [(target, target.assess(on), target.latest_record_on(on)) for target in targets]


def assess_by_area(plan, on):
    """Every area of the plan, in order, with its targets assessed on ``on`` (4 queries)."""
    areas = {area.pk: AreaProgress(area, []) for area in plan.areas.all()}
    for row in assessed_rows(Target.objects.for_plan(plan).with_progress(), on):
        areas[row[0].area_id].rows.append(row)
    return list(areas.values())


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
    areas = assess_by_area(plan, judged.on)
    return render(
        request,
        "tracking/plan.html",
        {
            "plan": plan,
            "judged": judged,
            # The report states its main economic targets first (area 0), shown at a glance.
            "main": areas[0] if areas else None,
            "areas": areas,
            "whole": AreaProgress(None, [row for area in areas for row in area.rows]),
            "conflicts": [t for area in areas for t, _, _ in area.rows if t.report_conflict],
            "latest_as_of": ProgressRecord.objects.published()
            .for_plan(plan)
            .filter(as_of__lte=judged.on)
            .latest_as_of(),
            "other_plans": Plan.objects.other_years_of(plan),
            "statuses": status.Status,
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
            "whole": AreaProgress(None, [row for area in areas for row in area.rows]),
        },
    )


@public_page
def area_detail(request, jurisdiction, year, position):
    plan = get_plan(jurisdiction, year)
    area = get_object_or_404(plan.areas, position=position)
    judged = judgement_date(request, plan)
    targets = Target.objects.for_plan(plan).filter(area=area).with_progress()
    progress = AreaProgress(area, assessed_rows(targets, judged.on))
    return render(
        request,
        "tracking/area.html",
        {"plan": plan, "judged": judged, "area": area, "progress": progress},
    )


@public_page
def target_detail(request, jurisdiction, year, code):
    plan = get_plan(jurisdiction, year)
    target = get_object_or_404(Target.objects.for_plan(plan).with_progress(), code=code)
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
