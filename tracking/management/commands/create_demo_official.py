"""Create (or reset) the demo accounts that `make run` prints, for trying the workflow locally.

The report names no responsible units, so the demo reporter's unit is a clearly labelled demo
unit, made a co-unit (配合单位) of the current plan's targets; the lead unit stays empty as in the
report. Refused unless DEBUG is on.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from tracking import access
from tracking.models import Plan, Unit

# Printed on purpose; the command refuses to run outside DEBUG.
DEMO_PASSWORD = "gangmen-demo-2022"  # noqa: S105  # nosec B105
DEMO_UNIT = "演示单位（仅供演示，非报告内容）"
DEMO_ACCOUNTS = [
    ("demo", "演示填报员", access.REPORTER),
    ("demo-leader", "演示审核领导", access.LEADER),
]


class Command(BaseCommand):
    help = "创建演示用的填报员和审核领导账号（仅限开发环境 DEBUG=1）。"

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "演示账号只能在开发环境（DEBUG=1）中创建，生产环境请用 createsuperuser。"
            )
        plan = Plan.objects.current()
        if plan is None:
            raise CommandError("还没有载入年度计划，请先运行 load_report。")
        with transaction.atomic():
            unit, _ = Unit.objects.get_or_create(
                jurisdiction=plan.jurisdiction,
                name=DEMO_UNIT,
                defaults={"name_en": "Demo unit (for the demo only, not in the report)"},
            )
            for target in plan.targets.all():
                target.co_units.add(unit)
            for username, name, role in DEMO_ACCOUNTS:
                user, _ = get_user_model().objects.get_or_create(username=username)
                user.first_name = name
                user.is_staff = True
                user.set_password(DEMO_PASSWORD)
                user.save()
                user.groups.set([Group.objects.get(name=role)])
            unit.members.set(get_user_model().objects.filter(username="demo"))
        self.stdout.write(
            f"演示填报员 / demo reporter: 用户名 demo  密码 {DEMO_PASSWORD}  "
            "（手机填报：/office/）\n"
            f"演示审核领导 / demo leader: 用户名 demo-leader  密码 {DEMO_PASSWORD}  "
            "（审核：/office/review/ 或 /admin/）\n"
            f"演示填报员属于“{DEMO_UNIT}”，该单位被设为{plan}全部目标的配合单位，"
            "仅供演示；报告未写明责任单位，牵头单位保持为空。"
        )
