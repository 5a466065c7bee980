"""The public pages: a plan's overview, a page per task area and per target, the year in review,
and a printable progress report. No login; only published progress (Target.with_progress());
each page runs a fixed number of queries and is cached until the data change."""

from dataclasses import dataclass
from functools import cached_property

from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from tracking import charts, status
from tracking.models import Plan, ProgressRecord, Target
from tracking.public_cache import cached_public


def get_plan(jurisdiction, year):
    """The plan a public URL names, or 404."""
    return get_object_or_404(
        Plan.objects.select_related("jurisdiction"), jurisdiction__slug=jurisdiction, year=year
    )


@dataclass
class AreaProgress:
    """A task area with each target's assessment and how many have each status."""

    area: object
    rows: list

    @cached_property
    def counts(self):
        return status.tally(assessment for _, assessment in self.rows)

    @property
    def bar(self):
        return charts.stacked_bar(self.counts)


def assess_by_area(plan, on):
    """Every area of the plan, in order, with its targets assessed on ``on`` (4 queries)."""
    areas = {area.pk: AreaProgress(area, []) for area in plan.areas.all()}
    for target in Target.objects.for_plan(plan).with_progress():
        areas[target.area_id].rows.append((target, target.assess(on)))
    return list(areas.values())


@cached_public()
def home(request):
    plan = Plan.objects.current()
    if plan is None:
        return render(request, "tracking/empty.html")
    return _render_overview(request, plan)


@cached_public()
def plan_detail(request, jurisdiction, year):
    return _render_overview(request, get_plan(jurisdiction, year))


def _render_overview(request, plan):
    today = timezone.localdate()
    areas = assess_by_area(plan, today)
    return render(
        request,
        "tracking/plan.html",
        {
            "plan": plan,
            "today": today,
            # The report states its main economic targets first (area 0), shown at a glance.
            "main": areas[0] if areas else None,
            "areas": areas,
            "conflicts": [t for area in areas for t, _ in area.rows if t.report_conflict],
            "latest_as_of": ProgressRecord.objects.published().for_plan(plan).latest_as_of(),
            "other_plans": Plan.objects.exclude(pk=plan.pk).select_related("jurisdiction"),
        },
    )


@cached_public()
def plan_print(request, jurisdiction, year):
    """The whole plan, every area and target, laid out for A4 paper."""
    plan = get_plan(jurisdiction, year)
    today = timezone.localdate()
    return render(
        request,
        "tracking/plan_print.html",
        {"plan": plan, "today": today, "areas": assess_by_area(plan, today)},
    )


@cached_public()
def area_detail(request, jurisdiction, year, position):
    plan = get_plan(jurisdiction, year)
    area = get_object_or_404(plan.areas, position=position)
    today = timezone.localdate()
    targets = Target.objects.for_plan(plan).filter(area=area).with_progress()
    progress = AreaProgress(area, [(target, target.assess(today)) for target in targets])
    return render(
        request,
        "tracking/area.html",
        {"plan": plan, "today": today, "area": area, "progress": progress},
    )


@cached_public()
def target_detail(request, jurisdiction, year, code):
    plan = get_plan(jurisdiction, year)
    target = get_object_or_404(Target.objects.for_plan(plan).with_progress(), code=code)
    history = target.progress_history()
    chart = charts.progress_chart(
        [(record.as_of, then.progress_pct, then.expected_pct) for record, then in history],
        target.starts_on,
        target.deadline,
    )
    return render(
        request,
        "tracking/target.html",
        {
            "plan": plan,
            "target": target,
            "assessment": target.assess(),
            "history": history,
            "chart": chart,
            "corrections": ProgressRecord.objects.filter(target=target).corrections(),
        },
    )


@cached_public()
def previous_year(request, jurisdiction, year):
    """The results of the year before, grouped by the report's sections in its order."""
    plan = get_plan(jurisdiction, year)
    sections = {}
    for result in plan.results.all():
        sections.setdefault(result.section, []).append(result)
    return render(
        request,
        "tracking/previous_year.html",
        {"plan": plan, "sections": sections.items()},
    )
