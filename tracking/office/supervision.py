"""The supervision report (督查通报) of a plan on a date: how many targets stand where, by area
and by lead unit, which lag or are overdue and why, and which were completed early.

Statuses come from Target.assess(on=…) — tracking/rules/status.py is the one rule — and so from
published records only. A target "lags" when it is 进度滞后 or 存在风险; its stated reason is the
shortfall reason of its latest published record up to the date. "Completed early" means achieved
by a record dated before the target's deadline. A target split into sub-tasks also carries its
progress derived from their monthly nodes (tracking/rules/decomposition.py).
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from tracking.models import SubTask, Target
from tracking.rules import decomposition
from tracking.rules.choices import Status
from tracking.rules.status import tally

LAGGING = (Status.BEHIND, Status.AT_RISK)


@dataclass(frozen=True)
class TargetLine:
    target: Target
    assessment: object
    reason: str
    derived: object = None  # decomposition.assess() of a target with sub-tasks

    @property
    def unit_name(self):
        unit = self.target.responsible_unit
        return unit.name if unit else _("未明确牵头单位")


@dataclass(frozen=True)
class Group:
    """Targets counted together (the whole plan, an area, a unit)."""

    label: str
    lines: list

    @property
    def total(self):
        return len(self.lines)

    @property
    def counts(self):
        """(status, count, percentage of this group's targets) in the Status order."""
        return [
            (status, count, percent(count, self.total))
            for status, count in tally(line.assessment for line in self.lines)
        ]

    def count(self, status):
        return sum(1 for line in self.lines if line.assessment.status == status)


def percent(part, whole):
    """A share in percent to one decimal, as a 督查通报 writes it (17 of 220 → 7.7)."""
    if not whole:
        return Decimal(0)
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class SupervisionReport:
    plan: object
    on: object
    lines: list

    @property
    def overall(self):
        return Group(_("全部目标任务"), self.lines)

    @property
    def overall_table(self):
        return [self.overall]

    @property
    def by_area(self):
        return _grouped(self.lines, lambda line: str(line.target.area))

    @property
    def by_unit(self):
        """Units by name; the targets the report gives no lead unit come last."""
        groups = _grouped(self.lines, lambda line: line.unit_name)
        return sorted(groups, key=lambda g: (g.lines[0].target.responsible_unit is None, g.label))

    @property
    def lagging(self):
        return [line for line in self.lines if line.assessment.status in LAGGING]

    @property
    def overdue(self):
        return [line for line in self.lines if line.assessment.status == Status.OVERDUE]

    @property
    def completed_early(self):
        return [
            line
            for line in self.lines
            if line.assessment.status == Status.ACHIEVED
            and line.assessment.as_of
            and line.assessment.as_of < line.target.deadline
        ]

    @property
    def decomposed(self):
        return [line for line in self.lines if line.derived is not None]

    @property
    def summary(self):
        """The opening sentence: "共有目标任务N项，其中已完成a项，占x%；…"."""
        overall = self.overall
        parts = [
            _("%(status)s%(count)s项，占%(pct)s%%")
            % {"status": status.label, "count": count, "pct": pct}
            for status, count, pct in overall.counts
            if count
        ]
        return _("截至%(date)s，%(plan)s共有目标任务%(total)s项，其中%(parts)s。") % {
            "date": f"{self.on:%Y-%m-%d}",
            "plan": self.plan.title,
            "total": overall.total,
            "parts": _("；").join(parts),
        }


def _grouped(lines, key):
    groups = {}
    for line in lines:
        groups.setdefault(key(line), []).append(line)
    return [Group(label, members) for label, members in groups.items()]


def build(plan, on):
    """The report of ``plan`` on ``on``, every target assessed once (a fixed number of queries)."""
    subtasks = SubTask.objects.select_related("responsible_unit").prefetch_related("nodes")
    targets = (
        Target.objects.for_plan(plan)
        .with_progress()
        .prefetch_related(Prefetch("subtasks", queryset=subtasks))
        .order_by("area__position", "position", "pk")
    )
    lines = []
    for target in targets:
        latest = [record for record in target.published_records if record.as_of <= on]
        reason = latest[-1].shortfall_reason if latest else ""
        derived = decomposition.assess(target, target.subtasks.all(), on)
        lines.append(TargetLine(target, target.assess(on), reason, derived))
    return SupervisionReport(plan, on, lines)
