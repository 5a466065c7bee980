"""Who may see, change, report on, review and import which targets and records.

The one home of the permission rule: the admin, the officials' pages, the querysets
(`Target.objects.visible_to(user)` …), the transition methods of ProgressRecord and the
imports all ask here. A user's role is the Django group they are in; model permissions of the
group say *what kind* of thing they may do, and the rules below say *to which rows*:

- 系统管理员 (and superusers): everything.
- 审核领导: sees everything; reviews, and edits (even published, leaving history) the records of
  their portfolio — the targets of the units they are a member of, or every target if none.
- 填报员: sees, reports on and imports only the targets their units lead or help with; edits and
  deletes only records still in draft or returned.
- 统计人员: sees everything; edits targets and previous-year results; reports on and imports any
  target; does not review.
- 观察员: sees everything, changes nothing.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

ADMINISTRATOR = "系统管理员"
LEADER = "审核领导"
REPORTER = "填报员"
STATISTICIAN = "统计人员"
OBSERVER = "观察员"

# Names of the import permissions the import feature checks (custom model permissions).
IMPORT_PERMISSIONS = {
    "progressrecord": "tracking.import_progressrecord",
    "target": "tracking.import_target",
    "previousyearresult": "tracking.import_previousyearresult",
}

NOTHING = Q(pk__in=[])
EVERYTHING = Q()


def roles(user):
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
    return user.is_active and (user.is_superuser or ADMINISTRATOR in roles(user))


def sees_everything(user):
    return is_administrator(user) or bool(roles(user) & {LEADER, STATISTICIAN, OBSERVER})


def _units_targets(user):
    from tracking.models import Target

    return Q(pk__in=Target.objects.of_units(unit_ids(user)).values("pk"))


# Row scopes, as Q objects on Target; records use them through their target.


def visible_targets(user):
    if not user.is_active or not user.has_perm("tracking.view_target"):
        return NOTHING
    return EVERYTHING if sees_everything(user) else _units_targets(user)


def reportable_targets(user):
    """Targets the user may add progress records to (and import records for)."""
    if not user.has_perm("tracking.add_progressrecord"):
        return NOTHING
    if is_administrator(user) or STATISTICIAN in roles(user):
        return EVERYTHING
    return _units_targets(user)


def portfolio_targets(user):
    """A leader's portfolio: their units' targets, or every target for a leader of no unit."""
    if is_administrator(user):
        return EVERYTHING
    if LEADER not in roles(user):
        return NOTHING
    return _units_targets(user) if unit_ids(user) else EVERYTHING


def reviewable_targets(user):
    if not user.has_perm("tracking.review_progressrecord"):
        return NOTHING
    return portfolio_targets(user)


def changeable_targets(user):
    if not user.has_perm("tracking.change_target"):
        return NOTHING
    if is_administrator(user) or STATISTICIAN in roles(user):
        return EVERYTHING
    return portfolio_targets(user)


def _through_target(scope):
    return Q(target__in=_targets(scope).values("pk"))


def _targets(scope):
    from tracking.models import Target

    return Target.objects.filter(scope)


def visible_records(user):
    scope = visible_targets(user)
    if not user.has_perm("tracking.view_progressrecord"):
        return NOTHING
    return scope if scope is EVERYTHING or scope is NOTHING else _through_target(scope)


def reviewable_records(user):
    scope = reviewable_targets(user)
    return scope if scope is EVERYTHING or scope is NOTHING else _through_target(scope)


# Checks on one object. Each asks the same scopes as the querysets, so a page and its list agree.


def _target_in(scope, target):
    if scope is EVERYTHING:
        return True
    if scope is NOTHING:
        return False
    return _targets(scope).filter(pk=target.pk).exists()


def can_view_target(user, target):
    return _target_in(visible_targets(user), target)


def can_report_on(user, target):
    return _target_in(reportable_targets(user), target)


def can_change_target(user, target):
    return _target_in(changeable_targets(user), target)


def can_view_record(user, record):
    return user.has_perm("tracking.view_progressrecord") and can_view_target(user, record.target)


def can_change_record(user, record):
    """Leaders and administrators may correct any record they review, published ones too
    (the history keeps the old figure); reporters only their units' drafts and returns."""
    if not user.has_perm("tracking.change_progressrecord"):
        return False
    if _target_in(portfolio_targets(user), record.target):
        return True
    return record.is_editable and can_report_on(user, record.target)


def can_delete_record(user, record):
    """A published figure is never deleted (a correction is a new record); drafts may be."""
    if (
        not user.has_perm("tracking.delete_progressrecord")
        or record.state == record.State.PUBLISHED
    ):
        return False
    if is_administrator(user):
        return True
    return record.is_editable and can_report_on(user, record.target)


def can_submit(user, record):
    return record.is_editable and can_report_on(user, record.target)


def can_review(user, record):
    return _target_in(reviewable_targets(user), record.target)


def can_import(user, model_name):
    """May the user import rows of this model at all (rows are then limited by the scopes)."""
    return user.has_perm(IMPORT_PERMISSIONS[model_name])


def check_transition(user, action, record):
    """Raise PermissionDenied unless the user may move this record by this review action."""
    from tracking.models import ReviewEvent

    allowed = can_submit if action == ReviewEvent.Action.SUBMIT else can_review
    if not allowed(user, record):
        raise PermissionDenied(_("您无权对该记录执行“%(action)s”。") % {"action": action.label})


# Report drafts (issue 16): reading a new year's report into a plan.


def can_draft_plans(user):
    """Only administrators and statistics staff turn a work report into a plan."""
    return user.is_active and (
        is_administrator(user)
        or (STATISTICIAN in roles(user) and user.has_perm("tracking.add_reportdraft"))
    )


def can_view_supervision(user):
    """The supervision report (督查通报) lists every unit's targets: for who sees everything."""
    return user.is_active and user.has_perm("tracking.view_target") and sees_everything(user)
