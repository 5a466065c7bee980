"""The admin home's panel: the current reporting period, unit by unit, and the review queue."""

from django import template
from django.utils import timezone

from tracking.models import Plan, ProgressRecord, Target, Unit
from tracking.rules import access
from tracking.rules.reporting import current_period

register = template.Library()


@register.inclusion_tag("admin/tracking/reporting_panel.html", takes_context=True)
def reporting_panel(context):
    user = context["request"].user
    # Periods end with the plan's year (the plan the public home page shows).
    period = current_period(plan=Plan.objects.current())
    units = [
        unit
        for unit in Unit.objects.with_report_counts(period).order_by("jurisdiction", "name")
        if unit.targets_due
    ]
    return {
        "period": period,
        "is_late": period.is_late(timezone.localdate()),
        "units": units,
        "unassigned": Target.objects.active_in(period).filter(responsible_unit=None).count(),
        "waiting_for_review": ProgressRecord.objects.awaiting_review_by(user).count(),
        "can_review": access.may_review(user),
    }
