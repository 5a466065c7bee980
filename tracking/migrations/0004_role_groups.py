"""The five roles as Django groups with their model permissions (rows are limited further by
tracking/access.py). A frozen copy: later permission changes need their own migration."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from tracking.roles import ADMINISTRATOR, LEADER, OBSERVER, REPORTER, STATISTICIAN

VIEW_ALL = [
    "view_jurisdiction",
    "view_unit",
    "view_plan",
    "view_taskarea",
    "view_target",
    "view_milestone",
    "view_progressrecord",
    "view_reviewevent",
    "view_evidencefile",
    "view_previousyearresult",
]
# Every role may download what it can see: the admin lists are already scoped per user.
EXPORT_ALL = [
    "export_jurisdiction",
    "export_unit",
    "export_plan",
    "export_taskarea",
    "export_target",
    "export_progressrecord",
    "export_previousyearresult",
]
REPORTING = [
    "add_progressrecord",
    "change_progressrecord",
    "delete_progressrecord",
    "add_evidencefile",
    "delete_evidencefile",
]
ROLE_PERMISSIONS = {
    LEADER: VIEW_ALL
    + EXPORT_ALL
    + ["change_progressrecord", "review_progressrecord", "change_target", "delete_evidencefile"],
    REPORTER: VIEW_ALL + EXPORT_ALL + REPORTING,
    # Only statistics staff (and administrators) import spreadsheets.
    STATISTICIAN: VIEW_ALL
    + EXPORT_ALL
    + REPORTING
    + [
        "import_progressrecord",
        "add_target",
        "change_target",
        "add_milestone",
        "change_milestone",
        "add_previousyearresult",
        "change_previousyearresult",
        "import_target",
        "import_previousyearresult",
    ],
    OBSERVER: VIEW_ALL + EXPORT_ALL,
}
ADMINISTRATOR_APPS = ["tracking", "auth"]


def create_role_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    for app_label in ["auth", "tracking"]:
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(
            Permission.objects.filter(content_type__app_label="tracking", codename__in=codenames)
        )
    group, _ = Group.objects.get_or_create(name=ADMINISTRATOR)
    group.permissions.set(Permission.objects.filter(content_type__app_label__in=ADMINISTRATOR_APPS))


def remove_role_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=[*ROLE_PERMISSIONS, ADMINISTRATOR]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("tracking", "0003_import_export_permissions_and_audit"),
    ]

    operations = [migrations.RunPython(create_role_groups, remove_role_groups)]
