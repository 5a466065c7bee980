"""The names of the roles (Django groups) and the permission codes the rules ask for.

With the few questions about a user's roles that the scopes (the QuerySets of tracking/models/)
and tracking/rules/access.py ask. Model-free, so that the models, access.py, the admin, the
officials' pages, the templates (through tracking.context_processors.roles) and the migration
that creates the groups all spell them from here. The names are data stored in the database:
renaming one needs a data migration.
"""

ADMINISTRATOR = "系统管理员"
LEADER = "审核领导"
REPORTER = "填报员"
STATISTICIAN = "统计人员"
OBSERVER = "观察员"

# Reviewing progress records (a custom permission of ProgressRecord, held by 审核领导).
REVIEW_RECORDS = "tracking.review_progressrecord"

# The import permissions the import feature checks (custom model permissions), by model.
IMPORT_PERMISSIONS = {
    "progressrecord": "tracking.import_progressrecord",
    "target": "tracking.import_target",
    "previousyearresult": "tracking.import_previousyearresult",
}


def held_by(user):
    """The names of the user's groups, read once per request (cached on the user object)."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    if not hasattr(user, "_tracking_roles"):
        user._tracking_roles = frozenset(user.groups.values_list("name", flat=True))
    return user._tracking_roles


def unit_ids(user):
    """The units the user belongs to, read once per request."""
    if not user.is_authenticated:
        return frozenset()
    if not hasattr(user, "_tracking_unit_ids"):
        user._tracking_unit_ids = frozenset(user.units.values_list("pk", flat=True))
    return user._tracking_unit_ids


def is_administrator(user):
    return user.is_active and (user.is_superuser or ADMINISTRATOR in held_by(user))


def sees_everything(user):
    return is_administrator(user) or bool(held_by(user) & {LEADER, STATISTICIAN, OBSERVER})


def may_review(user):
    """Does the user review progress records at all (which ones: the reviewable scope)?"""
    return user.has_perm(REVIEW_RECORDS)
