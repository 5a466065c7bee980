"""List the reports overdue for each plan's current period, unit by unit, and e-mail each unit's
reporters (run daily from cron after the due day; e-mail goes through Django's EMAIL_* settings).
A plan's periods end with its year (tracking/rules/reporting.py).
"""

import datetime
from itertools import groupby

from django.conf import settings
from django.core.mail import send_mass_mail
from django.core.management.base import BaseCommand
from django.urls import reverse
from django.utils import timezone

from tracking import roles
from tracking.models import Plan, Target
from tracking.rules.reporting import current_period


class Command(BaseCommand):
    help = "列出本期逾期未报的目标（按牵头单位），并给各单位的填报员发送提醒邮件。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            type=datetime.date.fromisoformat,
            help="按这一天判断逾期（YYYY-MM-DD），默认今天。",
        )
        parser.add_argument("--dry-run", action="store_true", help="只列出，不发邮件。")

    def handle(self, *args, date=None, dry_run=False, **options):
        today = date or timezone.localdate()
        mails = []
        # What is due is the plan's own: a plan whose year is over owes its last period only.
        for plan in Plan.objects.filter(targets__isnull=False).distinct().order_by("year"):
            mails += self._plan_reminders(plan, current_period(today, plan), today)
        if not mails:
            return
        if dry_run:
            self.stdout.write(f"试运行：本应发送 {len(mails)} 封提醒邮件。")
        else:
            sent = send_mass_mail(mails, fail_silently=False)
            self.stdout.write(f"已发送 {sent} 封提醒邮件。")

    def _plan_reminders(self, plan, period, today):
        if not period.is_late(today):
            self.stdout.write(
                f"{plan}：{period.label}的报送截止日为 {period.due_on}，尚未逾期，不发送提醒。"
            )
            return []
        overdue = (
            Target.objects.for_plan(plan)
            .active_in(period)
            .with_report_status(period)
            .filter(reported=False, responsible_unit__isnull=False)
            .select_related("responsible_unit")
            .order_by("responsible_unit__name", "area__position", "position")
        )
        mails = []
        for unit, targets in groupby(overdue, key=lambda target: target.responsible_unit):
            targets = list(targets)
            self.stdout.write(f"{unit}：{len(targets)} 项逾期未报（{plan}，{period.label}）")
            for target in targets:
                self.stdout.write(f"  {target}")
            recipients = list(
                unit.members.filter(
                    is_active=True, groups__name=roles.REPORTER, email__gt=""
                ).values_list("email", flat=True)
            )
            if not recipients:
                self.stdout.write(f"  （{unit}没有填写了邮箱的填报员，未发送）")
                continue
            mails.append(
                (self._subject(unit, period), self._body(targets, period), None, recipients)
            )
        if not mails:
            self.stdout.write(f"{plan}：{period.label}没有需要提醒的逾期未报目标。")
        return mails

    def _subject(self, unit, period):
        return f"【进度填报提醒】{unit}：{period.label}进度逾期未报"

    def _body(self, targets, period):
        lines = [
            f"您好！{period.label}的目标进度应在 {period.due_on} 前报送，以下目标尚未报送：",
            "",
            *[f"- {target}" for target in targets],
            "",
            f"请登录填报：{settings.SITE_URL}{reverse('office:my_targets')}",
        ]
        return "\n".join(lines)
