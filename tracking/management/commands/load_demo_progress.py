"""Generate a demo set of published progress for the current plan, up to a mid-year date, so that
a newcomer sees what the tracker is for (`make demo`).

Demo progress is never real: the command runs only on a demo site (DEMO_DATA=1, which also
switches the database to demo.sqlite3 and puts a banner on every page), every record it writes
says so in its note, and it writes nothing where the plan already has progress.

The figures are made up but plausible, and spread over the statuses: a target's code decides,
always the same way, whether it runs ahead of the time pace, on it, a little or far behind, or
has no report at all.
"""

import calendar
import datetime
import hashlib
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from tracking.models import PERCENT, Plan, ProgressRecord, Target
from tracking.public.cache import data_changed
from tracking.rules.status import time_share

DEMO_NOTE = "演示数据（系统生成），非真实进度"
# How far along each target is against the time pace; None: no report yet.
PACES = [Decimal("1.15"), Decimal("1.15"), Decimal("1.0"), Decimal("1.0"), Decimal("1.0"),
         Decimal("0.88"), Decimal("0.88"), Decimal("0.55"), Decimal("1.0"), None]  # fmt: skip


def pace_of(code):
    """The pace a target's demo figures keep: the same for a code on every run."""
    digest = hashlib.sha256(code.encode()).digest()
    return PACES[digest[0] % len(PACES)]


def month_ends(starts_on, until):
    days = []
    year, month = starts_on.year, starts_on.month
    while True:
        last = datetime.date(year, month, calendar.monthrange(year, month)[1])
        if last > until:
            return days
        days.append(last)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _rounded_like(value, goal):
    """A count stays a whole number (5家 → 2家, not 2.31家); other figures keep 0.01."""
    step = Decimal(1) if goal == goal.to_integral_value() and goal >= 5 else Decimal("0.01")
    return value.quantize(step, rounding=ROUND_HALF_UP)


def demo_figures(target, day, pace):
    """The fields of a demo record of ``target`` dated ``day``."""
    share = time_share(target.starts_on, target.deadline, day)
    if target.kind == Target.Kind.GROWTH:
        # Cumulative growth firms up over the year: a little below its level early on.
        growth = target.target_growth_pct * pace * (Decimal("0.94") + Decimal("0.01") * day.month)
        return {"growth_pct": growth.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)}
    if target.kind == Target.Kind.MILESTONE:
        stages = list(target.milestones.all())
        # A stage counts once its share of the time is mostly gone (2 of 3 by mid-year).
        reached = min(len(stages), int(len(stages) * share * pace + Decimal("0.55")))
        return {"milestone": stages[reached - 1]} if reached else None
    goal = target.target_value
    if target.kind == Target.Kind.QUOTA:
        return {"value": goal if pace >= 1 else max(goal - 1, Decimal(0))}
    if target.kind == Target.Kind.LEVEL:
        value = goal if pace >= 1 else goal * pace
    elif target.direction == Target.Direction.DECREASE:
        base = target.baseline_value
        if base is not None and base > goal:
            value = base - (base - goal) * share * pace
        else:
            value = goal if pace >= 1 else goal / pace
    else:
        value = goal * share * pace
    if target.measure_unit == PERCENT:
        value = min(value, Decimal(100))
    return {"value": _rounded_like(value, goal)}


class Command(BaseCommand):
    help = "为当前年度计划生成演示用的进度记录（仅限演示站点 DEMO_DATA=1，写入 demo.sqlite3）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--until",
            type=datetime.date.fromisoformat,
            help="演示进度截至的日期（YYYY-MM-DD），默认 DEMO_AS_OF（2022-06-30）。",
        )

    def handle(self, *args, until=None, **options):
        if not settings.DEMO_DATA:
            raise CommandError(
                "演示进度只能写入演示站点：请用 make demo（DEMO_DATA=1，数据库为 demo.sqlite3）。"
            )
        plan = Plan.objects.current()
        if plan is None:
            raise CommandError("还没有载入年度计划，请先运行 load_report。")
        until = plan.judgement_date_within_year(until or settings.DEMO_AS_OF)
        if ProgressRecord.objects.filter(target__plan=plan).exists():
            self.stdout.write(f"{plan}已有进度记录，未生成演示进度。")
            return
        written = 0
        with transaction.atomic():
            targets = Target.objects.for_plan(plan).prefetch_related("milestones")
            for target in targets:
                pace = pace_of(target.code)
                if pace is None:
                    continue
                for day in month_ends(target.starts_on, min(until, target.deadline)):
                    figures = demo_figures(target, day, pace)
                    if figures is None:
                        continue
                    record = ProgressRecord(
                        target=target,
                        as_of=day,
                        state=ProgressRecord.State.PUBLISHED,
                        note=DEMO_NOTE,
                        **figures,
                    )
                    record.full_clean()
                    record.save()
                    written += 1
            data_changed()
        self.stdout.write(f"已为{plan}生成 {written} 条演示进度记录，截至 {until}（{DEMO_NOTE}）。")
