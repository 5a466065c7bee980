"""Create (or reset) the demo official that `make run` prints, for trying the admin locally."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management.base import BaseCommand, CommandError

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "gangmen-demo-2022"  # noqa: S105 - printed on purpose; refused outside DEBUG

# What an official needs to record progress: read the plan, write progress records.
DEMO_PERMISSIONS = [
    "view_plan",
    "view_taskarea",
    "view_target",
    "view_milestone",
    "view_previousyearresult",
    "view_progressrecord",
    "add_progressrecord",
    "change_progressrecord",
]


class Command(BaseCommand):
    help = "创建演示用的工作人员账号（仅限开发环境 DEBUG=1）。"

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "演示账号只能在开发环境（DEBUG=1）中创建，生产环境请用 createsuperuser。"
            )
        user, _ = get_user_model().objects.get_or_create(username=DEMO_USERNAME)
        user.first_name = "演示填报员"
        user.is_staff = True
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.user_permissions.set(
            Permission.objects.filter(
                content_type__app_label="tracking", codename__in=DEMO_PERMISSIONS
            )
        )
        self.stdout.write(
            f"演示工作人员 / demo official: 用户名 {DEMO_USERNAME}  密码 {DEMO_PASSWORD}  "
            "（登录 /admin/ 填报进度）"
        )
