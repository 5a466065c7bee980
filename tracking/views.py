from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from tracking.models import Plan, Target


def _get_plan(jurisdiction, year):
    return get_object_or_404(
        Plan.objects.select_related("jurisdiction"), jurisdiction__slug=jurisdiction, year=year
    )


def home(request):
    plan = Plan.objects.current()
    if plan is None:
        return render(request, "tracking/empty.html")
    return _render_plan(request, plan)


def plan_detail(request, jurisdiction, year):
    return _render_plan(request, _get_plan(jurisdiction, year))


def _render_plan(request, plan):
    today = timezone.localdate()
    targets = Target.objects.for_plan(plan).with_progress()
    areas = {area.pk: (area, []) for area in plan.areas.all()}
    for target in targets:
        areas[target.area_id][1].append((target, target.assess(today)))
    other_plans = Plan.objects.other_years_of(plan)
    return render(
        request,
        "tracking/plan.html",
        {"plan": plan, "areas": areas.values(), "today": today, "other_plans": other_plans},
    )


def target_detail(request, jurisdiction, year, code):
    plan = _get_plan(jurisdiction, year)
    target = get_object_or_404(Target.objects.with_progress(), plan=plan, code=code)
    return render(
        request,
        "tracking/target.html",
        {"plan": plan, "target": target, "assessment": target.assess()},
    )
