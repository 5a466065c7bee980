"""Recompute every target's stored assessment for the date its plan's pages judge on by default.

Saving published data recomputes the targets it concerns at once; this command is for the
passing of time: the expected pace moves each day, and a plan's default date is today while
its year runs. Run it once a day just after midnight (README, "Scale and speed"). Until it has
run on a new day, pages without ``?on=`` assess afresh, so a missed run costs speed, not truth.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from tracking.models import Plan, Target, TargetAssessment


class Command(BaseCommand):
    help = "按各年度计划的默认评估日期重新计算并保存每个目标的评估结果（每天运行一次）。"

    def handle(self, *args, **options):
        stored = 0
        for plan in Plan.objects.all():
            with transaction.atomic():
                stored += TargetAssessment.objects.refresh(Target.objects.filter(plan=plan))
        if options["verbosity"]:
            self.stdout.write(f"已重新计算 {stored} 个目标的评估结果。")
