"""Who may see, change, report on, review and import which targets and records.

The one home of the permission rule: the admin, the officials' pages and the imports ask here.
The row scopes themselves are conditions of the QuerySets (`Target.objects.visible_to(user)`,
`reportable_condition(user)` …, built on tracking/roles.py) and the review steps check them in
ReviewEvent.prepare(); this module is built on those and checks single objects with them.
A user's role is the Django group they are in; model permissions of the group say *what kind*
of thing they may do, and the rules below say *to which rows*:

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

from django.db.models import Q

from tracking.models import EVERYTHING, NOTHING, ProgressRecord, Target
from tracking.roles import (
    IMPORT_PERMISSIONS,
    STATISTICIAN,
    held_by,
    is_administrator,
    sees_everything,
    unit_ids,
)
from tracking.roles import may_review as may_review  # the views and templates ask here

# Row scopes, as Q objects on Target (the QuerySets' conditions); records use them through
# their target.


def visible_targets(user):
    return Target.objects.visible_condition(user)


def reportable_targets(user):
    """Targets the user may add progress records to (and import records for)."""
    return Target.objects.reportable_condition(user)


def portfolio_targets(user):
    """A leader's portfolio: their units' targets, or every target for a leader of no unit."""
    return Target.objects.portfolio_condition(user)


def reviewable_targets(user):
    return Target.objects.reviewable_condition(user)


def changeable_targets(user):
    return Target.objects.changeable_condition(user)


def visible_records(user):
    return ProgressRecord.objects.visible_condition(user)


def visible_units(user):
    """Units (and through them their members) a user may see: all of them for those who see
    every target, else only the units they belong to."""
    if not user.is_active or not user.has_perm("tracking.view_unit"):
        return NOTHING
    return EVERYTHING if sees_everything(user) else Q(pk__in=unit_ids(user))


def reviewable_records(user):
    return ProgressRecord.objects.reviewable_condition(user)


# Checks on one object. Each asks the same scopes as the querysets, so a page and its list agree.


def _target_in(scope, target):
    if scope is EVERYTHING:
        return True
    if scope is NOTHING:
        return False
    return Target.objects.filter(scope).filter(pk=target.pk).exists()


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
        can_report_on(user, record.target) or record.is_own_correction_of(user)
    )


def can_review(user, record):
    return _target_in(reviewable_targets(user), record.target)


def can_import(user, model_name):
    """May the user import rows of this model at all (rows are then limited by the scopes)."""
    return user.has_perm(IMPORT_PERMISSIONS[model_name])


# Report drafts (issue 16): reading a new year's report into a plan.


def can_draft_plans(user):
    """Only administrators and statistics staff turn a work report into a plan."""
    return user.is_active and (
        is_administrator(user)
        or (STATISTICIAN in held_by(user) and user.has_perm("tracking.add_reportdraft"))
    )


def can_view_supervision(user):
    """The supervision report (督查通报) lists every unit's targets: for who sees everything."""
    return user.is_active and user.has_perm("tracking.view_target") and sees_everything(user)
