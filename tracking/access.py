"""Who may see, change, report on, review and import which targets and records.

The one home of the permission rule: the admin, the officials' pages, the querysets
(`Target.objects.visible_to(user)` …), the transition methods of ProgressRecord and the
imports all ask here. A user's role is the Django group they are in; model permissions of the
group say *what kind* of thing they may do, and the rules below say *to which rows*:

- 系统管理员 (and superusers): everything.
- 审核领导: sees everything; reviews the records of their portfolio — the targets of the units
  they are a member of, or every target if none — and corrects them: a change to a submitted or
  published record becomes a new submitted record that another reviewer approves.
- 填报员: sees and reports on only the targets their units lead or help with, and only their
  own units; edits drafts and returned records, deletes drafts never submitted, withdraws.
- 统计人员: sees everything; edits targets and previous-year results; reports on and imports any
  target; does not review.
- 观察员: sees everything, changes nothing.

Four eyes: nobody approves a record they entered, last changed or submitted, administrators
included, unless settings.ALLOW_SELF_APPROVAL (for a one-person office).
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tracking.roles import (
    ADMINISTRATOR,
    IMPORT_PERMISSIONS,
    LEADER,
    OBSERVER,
    REVIEW_RECORDS,
    STATISTICIAN,
)

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


def may_review(user):
    """Does the user review progress records at all (which ones: reviewable_targets)?"""
    return user.has_perm(REVIEW_RECORDS)


def reviewable_targets(user):
    if not may_review(user):
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


def visible_units(user):
    """Units (and through them their members) a user may see: all of them for those who see
    every target, else only the units they belong to."""
    if not user.is_active or not user.has_perm("tracking.view_unit"):
        return NOTHING
    return EVERYTHING if sees_everything(user) else Q(pk__in=unit_ids(user))


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


def can_view_unit(user, unit):
    scope = visible_units(user)
    return scope is EVERYTHING or (scope is not NOTHING and unit.pk in unit_ids(user))


def can_view_milestone(user, milestone):
    return can_view_target(user, milestone.target)


def can_change_milestone(user, milestone):
    return user.has_perm("tracking.change_milestone") and can_change_target(user, milestone.target)


def can_correct_record(user, record):
    """Leaders and administrators may correct a submitted or published record of their
    portfolio: the change is saved as a new submitted record (ProgressRecord.correct())."""
    return (
        user.has_perm("tracking.change_progressrecord")
        and record.state in (record.State.SUBMITTED, record.State.PUBLISHED)
        and _target_in(portfolio_targets(user), record.target)
    )


def can_change_record(user, record):
    """Drafts and returned records are edited in place by their unit's reporters, statistics
    staff, and the leaders and administrators of their portfolio; a change to a submitted or
    published one is a correction (can_correct_record); a withdrawn one is never changed."""
    if not user.has_perm("tracking.change_progressrecord"):
        return False
    if record.is_editable:
        return can_report_on(user, record.target) or _target_in(
            portfolio_targets(user), record.target
        )
    return can_correct_record(user, record)


def can_delete_record(user, record):
    """Only a draft that was never submitted is deleted; a record with a review trail is
    withdrawn instead (the trail, like a published figure, stays)."""
    if (
        not user.has_perm("tracking.delete_progressrecord")
        or record.state != record.State.DRAFT
        or record.review_events.exists()
    ):
        return False
    return is_administrator(user) or can_report_on(user, record.target)


def can_submit(user, record):
    """Reporters and statistics staff submit what they may report on; a leader submits only
    the corrections they entered themselves (ProgressRecord.correct())."""
    return record.is_editable and (
        can_report_on(user, record.target) or _submits_own_correction(user, record)
    )


def _submits_own_correction(user, record, portfolio=None):
    if record.entered_by_id is None or record.entered_by_id != user.pk:
        return False
    if portfolio is None:
        return _target_in(portfolio_targets(user), record.target)
    return portfolio is EVERYTHING or (portfolio is not NOTHING and record.target_id in portfolio)


def can_review(user, record):
    return _target_in(reviewable_targets(user), record.target)


def can_import(user, model_name):
    """May the user import rows of this model at all (rows are then limited by the scopes)."""
    return user.has_perm(IMPORT_PERMISSIONS[model_name])


def _targets_allowed(scope, records):
    """The ids of the records' targets inside a scope, in one query for any number of records."""
    if scope is EVERYTHING or scope is NOTHING:
        return scope
    target_ids = {record.target_id for record in records}
    return set(_targets(scope).filter(pk__in=target_ids).values_list("pk", flat=True))


def check_transition(user, action, records):
    """Raise PermissionDenied unless the user may move every one of these records by this
    review action; the message says why and who may instead. One query for many records."""
    from tracking.models import ReviewEvent

    Action = ReviewEvent.Action
    portfolio = NOTHING
    if action in (Action.SUBMIT, Action.WITHDRAW):
        allowed = _targets_allowed(reportable_targets(user), records)
        if action == Action.SUBMIT and allowed is not EVERYTHING:
            portfolio = _targets_allowed(portfolio_targets(user), records)
        who = _("本单位的填报员或统计人员")
    else:
        allowed = _targets_allowed(reviewable_targets(user), records)
        who = _("分管该目标的审核领导")
    for record in records:
        in_scope = allowed is EVERYTHING or (allowed is not NOTHING and record.target_id in allowed)
        if not in_scope and not _submits_own_correction(user, record, portfolio):
            raise PermissionDenied(
                _("您无权对该记录执行“%(action)s”，只有%(who)s可以。")
                % {"action": action.label, "who": who}
            )
        if (
            action == Action.APPROVE
            and record.is_authored_by(user)
            and not settings.ALLOW_SELF_APPROVAL
        ):
            raise PermissionDenied(
                _(
                    "这条记录由您填报、修改或提交，不能由您本人审核通过（四眼原则）；"
                    "请由另一位分管该目标的审核领导审核。"
                )
            )


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
