"""How the year is going: progress records, their review events and their evidence files."""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tracking.evidence import validate_evidence_file
from tracking.models.base import EVERYTHING, FIGURE, NOTHING, PERCENT, VersionedModel, local_minute
from tracking.models.targets import Milestone, Target
from tracking.rules import choices, figures


def _through_target(scope):
    """A scope on Target as a scope on the rows that belong to a target."""
    if scope is EVERYTHING or scope is NOTHING:
        return scope
    return Q(target__in=Target.objects.filter(scope).values("pk"))


def _targets_allowed(scope, records):
    """The ids of the records' targets inside a scope, in one query for any number of records."""
    if scope is EVERYTHING or scope is NOTHING:
        return scope
    target_ids = {record.target_id for record in records}
    return set(Target.objects.filter(scope).filter(pk__in=target_ids).values_list("pk", flat=True))


class ProgressRecordQuerySet(models.QuerySet):
    @staticmethod
    def published_condition():
        """What "published" means: the one place that decides it. A condition rather than only
        a filter so that the records' history (corrections) is judged by the same rule."""
        return Q(state=ProgressRecord.State.PUBLISHED)

    def published(self):
        """The records the public may see."""
        return self.filter(self.published_condition())

    # Records are scoped through their target (TargetQuerySet's conditions).
    def visible_condition(self, user):
        if not user.has_perm("tracking.view_progressrecord"):
            return NOTHING
        return _through_target(Target.objects.visible_condition(user))

    def reviewable_condition(self, user):
        return _through_target(Target.objects.reviewable_condition(user))

    def visible_to(self, user):
        return self.filter(self.visible_condition(user))

    def reviewable_by(self, user):
        return self.filter(self.reviewable_condition(user))

    def for_plan(self, plan):
        return self.filter(target__plan=plan)

    def latest_as_of(self):
        """The date of the most recent of these records, or None."""
        return self.aggregate(latest=models.Max("as_of"))["latest"]

    def corrections(self):
        """Every change to a published figure among these records, oldest first, read from
        their history: a published record edited later, or a second record published for the
        same target and date. Each is (before, after), two historical rows whose history_date
        says when the new figure was published. One query."""
        published_versions = (
            ProgressRecord.history.filter(
                ProgressRecordQuerySet.published_condition(), id__in=self.values("pk")
            )
            .exclude(history_type="-")
            .select_related("milestone")
            .order_by("target_id", "as_of", "history_date", "history_id")
        )
        corrections, shown = [], {}
        for version in published_versions:
            key = (version.target_id, version.as_of)
            figure = (version.value, version.growth_pct, version.milestone_id)
            before = shown.get(key)
            if before is not None and figure != (
                before.value,
                before.growth_pct,
                before.milestone_id,
            ):
                corrections.append((before, version))
            shown[key] = version
        return sorted(corrections, key=lambda pair: pair[1].history_date)

    def awaiting_review(self):
        return self.filter(state=ProgressRecord.State.SUBMITTED)

    def awaiting_review_by(self, user):
        """What waits for this user's review: the one definition behind the admin home's count,
        the admin's 待我审核 filter and /office/'s review list and count."""
        return self.reviewable_by(user).awaiting_review()

    def with_return_reason(self):
        """The reason of the latest return, which the reporter must see beside the record."""
        latest_return = ReviewEvent.objects.filter(
            record=OuterRef("pk"), action=ReviewEvent.Action.RETURN
        ).order_by("-at", "-pk")
        return self.annotate(return_reason=Subquery(latest_return.values("reason")[:1]))


def evidence_path(evidence, filename):
    """A random stored name (the original is kept as data): no clashes, nothing guessable."""
    suffix = PurePosixPath(filename).suffix.lower()
    return f"evidence/{evidence.record.target_id}/{uuid.uuid4().hex}{suffix}"


class ProgressRecord(VersionedModel):
    """How far a target had come on a date: a cumulative actual, an actual growth or a stage.

    A correction to a submitted or published figure is a new record for the same target and date
    that goes through review again (correct()); such records are never edited in place, and a
    record that was ever submitted is never deleted, only withdrawn: the review trail stays.
    """

    State = choices.State

    # The states a reporter may still edit, delete or submit.
    EDITABLE_STATES = [State.DRAFT, State.RETURNED]

    target = models.ForeignKey(
        Target, verbose_name=_("目标任务"), on_delete=models.PROTECT, related_name="records"
    )
    as_of = models.DateField(_("截至日期"))
    value = models.DecimalField(
        _("累计实际值"),
        **FIGURE,
        null=True,
        blank=True,
        help_text=_("目标计量单位下截至该日的累计数；周期性定额填本周期内的数量。"),
    )
    growth_pct = models.DecimalField(
        _("累计增速（%）"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("增长目标填写截至该日的累计同比增速。"),
    )
    milestone = models.ForeignKey(
        Milestone,
        verbose_name=_("已完成阶段"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="records",
    )
    note = models.TextField(_("情况说明"), blank=True)
    shortfall_reason = models.TextField(_("未达进度原因"), blank=True)
    state = models.CharField(
        _("状态"),
        max_length=10,
        choices=State.choices,
        default=State.DRAFT,
        help_text=_("只能通过提交、审核通过、退回操作改变，每次改变都记入审核记录。"),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="progress_records",
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("最后修改人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("最后修改数值或提交审核的人；他和填报人都不能审核通过这条记录。"),
    )
    entered_at = models.DateTimeField(_("填报时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    entry_token = models.UUIDField(
        _("表单提交标识"),
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text=_("同一张填报表单重复提交时只建立一条记录。"),
    )

    objects = ProgressRecordQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("进度记录")
        verbose_name_plural = _("进度记录")
        permissions = [
            ("review_progressrecord", _("可审核发布或退回进度记录")),
            ("import_progressrecord", _("可从表格导入进度记录")),
            ("export_progressrecord", _("可导出进度记录")),
        ]
        ordering = ["target_id", "as_of"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0),
                name="record_value_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=False)
                | Q(growth_pct__isnull=False)
                | Q(milestone__isnull=False),
                name="record_has_a_figure",
            ),
        ]
        indexes = [
            # TargetQuerySet.with_progress(): a plan's published records by target and date.
            models.Index(fields=["target", "state", "as_of"], name="record_target_state_asof"),
            # review_list() and the count on my_targets(): the few submitted records among
            # millions of published ones, oldest first.
            models.Index(
                fields=["updated_at"],
                condition=Q(state=choices.State.SUBMITTED),
                name="record_awaiting_review",
            ),
            # my_targets(): a reporter's records not yet published, by target.
            models.Index(
                fields=["target", "as_of"],
                condition=~Q(state=choices.State.PUBLISHED),
                name="record_open_by_target",
            ),
        ]

    def __str__(self):
        return f"{self.target.code} @ {self.as_of}"

    def clean(self):
        if not self.target_id:
            return
        target = self.target
        plan = target.plan
        errors = {}
        if self.as_of and not (plan.starts_on <= self.as_of <= max(plan.ends_on, target.deadline)):
            errors["as_of"] = ValidationError(
                _("截至日期必须在%(year)s年度计划期内。") % {"year": plan.year},
                code="as_of_outside_plan",
            )
        if self.as_of and self.as_of > timezone.localdate():
            errors["as_of"] = ValidationError(_("截至日期不能晚于今天。"), code="as_of_in_future")
        if self.value is not None and self.value < 0:
            errors["value"] = ValidationError(_("累计实际值不能为负数。"), code="negative")
        if (
            self.value is not None
            and target.measure_unit == PERCENT
            and target.kind != Target.Kind.GROWTH
            and self.value > 100
        ):
            errors["value"] = ValidationError(
                _("以%为单位的实际值不能超过100。"), code="percent_over_100"
            )
        if target.kind == Target.Kind.GROWTH and self.growth_pct is None:
            errors["growth_pct"] = ValidationError(
                _("增长目标必须填写累计增速（%）。"), code="growth_required"
            )
        if target.kind == Target.Kind.MILESTONE:
            if self.milestone_id is None:
                errors["milestone"] = ValidationError(
                    _("定性任务必须选择已完成的阶段。"), code="stage_required"
                )
            elif self.milestone.target_id != target.pk:
                errors["milestone"] = ValidationError(
                    _("所选阶段不属于该目标任务。"), code="stage_other_target"
                )
        elif target.kind != Target.Kind.GROWTH and self.value is None:
            errors["value"] = ValidationError(_("请填写累计实际值。"), code="value_required")
        if errors:
            raise ValidationError(errors)

    @property
    def is_editable(self):
        return self.state in self.EDITABLE_STATES

    def is_own_correction_of(self, user, portfolio=None):
        """Is this a correction the user (a leader) entered on their portfolio? They submit it
        themselves (correct()). portfolio: what _targets_allowed() found for it, if known."""
        if self.entered_by_id is None or self.entered_by_id != user.pk:
            return False
        if portfolio is None:
            portfolio = _targets_allowed(Target.objects.portfolio_condition(user), [self])
        return portfolio is EVERYTHING or (portfolio is not NOTHING and self.target_id in portfolio)

    def is_authored_by(self, user):
        """Did this user enter the figure, last change it or submit it? Then another reviewer
        must approve it (four eyes), unless settings.ALLOW_SELF_APPROVAL."""
        return user.pk is not None and user.pk in (self.entered_by_id, self.changed_by_id)

    def submit(self, *, by, reason="", validated=False):
        """Send a draft or returned record to review, saving it: a new record is inserted once,
        already submitted. validated: the caller's form has just run full_clean() on it."""
        self._transition(by, ReviewEvent.Action.SUBMIT, reason, validated=validated)

    def approve(self, *, by):
        """Publish a submitted record: from now on the public pages count it. Returns what the
        reviewer should check again (approval_warnings(), read before the record changed), each
        naming the record, for the page that approved it to show."""
        warnings = self.approval_warnings()
        self._transition(by, ReviewEvent.Action.APPROVE)
        return [
            _("%(record)s 已发布，请核对：") % {"record": self} + warning for warning in warnings
        ]

    def return_for_changes(self, *, by, reason):
        """Send a submitted record back to its unit with a reason the reporter will read."""
        self._transition(by, ReviewEvent.Action.RETURN, reason)

    def withdraw(self, *, by, reason):
        """Take a record out of the workflow for good; what replaces deleting it once it was
        submitted (the review trail stays)."""
        self._transition(by, ReviewEvent.Action.WITHDRAW, reason)

    def correct(self, *, by):
        """Save this in-memory change of a submitted or published record as a new submitted
        record for the same target and date, leaving the stored record as it is: the public
        figure stays until another reviewer approves the correction."""
        correction = ProgressRecord(
            target_id=self.target_id,
            as_of=self.as_of,
            value=self.value,
            growth_pct=self.growth_pct,
            milestone_id=self.milestone_id,
            note=self.note,
            shortfall_reason=self.shortfall_reason,
            entered_by=by,
            changed_by=by,
        )
        # Inserted once, already submitted, beside its review event.
        correction.submit(
            by=by,
            reason=_("更正第%(pk)s号记录（%(state)s）")
            % {"pk": self.pk, "state": self.get_state_display()},
        )
        return correction

    def approval_warnings(self):
        """What a reviewer should look at twice before publishing this figure."""
        target = self.target
        warnings = []
        if (
            self.value is not None
            and target.target_value
            and target.kind != Target.Kind.GROWTH
            and self.value > 10 * target.target_value
        ):
            warnings.append(
                _(
                    "累计实际值%(value)s是目标值%(goal)s%(unit)s的10倍以上，"
                    "请核对是否多输了数位或用错了计量单位。"
                )
                % {
                    "value": figures.plain(self.value),
                    "goal": figures.plain(target.target_value),
                    "unit": target.measure_unit,
                }
            )
        # A cumulative amount that should grow (firms brought in, 亿元 invested) does not fall.
        if (
            self.value is not None
            and target.kind == Target.Kind.AMOUNT
            and target.direction == Target.Direction.INCREASE
        ):
            last = (
                ProgressRecord.objects.published()
                .filter(target_id=self.target_id, as_of__lte=self.as_of, value__isnull=False)
                .exclude(pk=self.pk)
                .order_by("-as_of", "-pk")
                .first()
            )
            if last is not None and self.value < last.value:
                warnings.append(
                    _(
                        "累计实际值%(value)s低于上次发布的%(last)s%(unit)s（截至%(as_of)s）；"
                        "累计数一般不会减少，请核对。"
                    )
                    % {
                        "value": figures.plain(self.value),
                        "last": figures.plain(last.value),
                        "unit": target.measure_unit,
                        "as_of": last.as_of.isoformat(),
                    }
                )
        return warnings

    def _transition(self, user, action, reason="", validated=False):
        if not validated and action in (ReviewEvent.Action.SUBMIT, ReviewEvent.Action.APPROVE):
            self.full_clean()
        with transaction.atomic():
            [event] = ReviewEvent.prepare([self], user, action, reason)
            try:
                self.save()
            except Exception:  # EditConflict, or the database: the copy in memory stays as read
                self.state = event.from_state
                raise
            event.save()


class ReviewEvent(models.Model):
    """One step of a record through review: who did what, when, and why (for a return)."""

    Action = choices.Action

    State = ProgressRecord.State
    # action: (states it may start from, state it leads to)
    TRANSITIONS = {
        Action.SUBMIT: ({State.DRAFT, State.RETURNED}, State.SUBMITTED),
        Action.APPROVE: ({State.SUBMITTED}, State.PUBLISHED),
        Action.RETURN: ({State.SUBMITTED}, State.RETURNED),
        Action.WITHDRAW: ({State.DRAFT, State.SUBMITTED, State.RETURNED}, State.WITHDRAWN),
    }
    # Actions that need a written reason.
    NEEDS_REASON = {Action.RETURN, Action.WITHDRAW}

    # PROTECT: the trail outlives any attempt to delete its record.
    record = models.ForeignKey(
        ProgressRecord,
        verbose_name=_("进度记录"),
        on_delete=models.PROTECT,
        related_name="review_events",
    )
    action = models.CharField(_("操作"), max_length=10, choices=Action.choices)
    from_state = models.CharField(_("原状态"), max_length=10, choices=State.choices)
    to_state = models.CharField(_("新状态"), max_length=10, choices=State.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        related_name="review_events",
    )
    at = models.DateTimeField(_("操作时间"), default=timezone.now)
    reason = models.TextField(_("理由"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("审核记录")
        verbose_name_plural = _("审核记录")
        ordering = ["record_id", "at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(action=choices.Action.RETURN) | ~Q(reason=""), name="return_has_reason"
            ),
        ]

    def __str__(self):
        return f"{self.get_action_display()} · {self.actor} · {local_minute(self.at)}"

    @classmethod
    def _check_permission(cls, user, action, records):
        """Raise PermissionDenied unless the user may move every one of these records by this
        review action (the rule of tracking/rules/access.py); the message says why and who may
        instead. One query for many records."""
        portfolio = NOTHING
        if action in (cls.Action.SUBMIT, cls.Action.WITHDRAW):
            allowed = _targets_allowed(Target.objects.reportable_condition(user), records)
            if action == cls.Action.SUBMIT and allowed is not EVERYTHING:
                portfolio = _targets_allowed(Target.objects.portfolio_condition(user), records)
            who = _("本单位的填报员或统计人员")
        else:
            allowed = _targets_allowed(Target.objects.reviewable_condition(user), records)
            who = _("分管该目标的审核领导")
        for record in records:
            in_scope = allowed is EVERYTHING or (
                allowed is not NOTHING and record.target_id in allowed
            )
            if not in_scope and not record.is_own_correction_of(user, portfolio):
                raise PermissionDenied(
                    _("您无权对该记录执行“%(action)s”，只有%(who)s可以。")
                    % {"action": action.label, "who": who}
                )
            if (
                action == cls.Action.APPROVE
                and record.is_authored_by(user)
                and not settings.ALLOW_SELF_APPROVAL
            ):
                raise PermissionDenied(
                    _(
                        "这条记录由您填报、修改或提交，不能由您本人审核通过（四眼原则）；"
                        "请由另一位分管该目标的审核领导审核。"
                    )
                )

    @classmethod
    def prepare(cls, records, user, action, reason=""):
        """The one place that moves records through review: check that every record may take
        this step (its state, and tracking/rules/access.py for this user), move them in memory and
        return their unsaved events. Raises before changing anything if one may not.

        The phone form, the admin and the review page save one record at a time
        (ProgressRecord._transition); the spreadsheet import saves thousands in bulk with the
        same check and bulk_create()s the events.
        """
        source_states, new_state = cls.TRANSITIONS[action]
        for record in records:
            if record.state not in source_states:
                raise ValidationError(
                    _("状态为“%(state)s”的记录不能执行“%(action)s”。")
                    % {"state": record.get_state_display(), "action": action.label},
                    code="invalid_transition",
                )
        cls._check_permission(user, action, records)
        reason = reason.strip()
        if action in cls.NEEDS_REASON and not reason:
            raise ValidationError(
                {
                    "reason": ValidationError(
                        _("%(action)s时必须填写理由。") % {"action": action.label}
                        if action != cls.Action.RETURN
                        else _("退回时必须填写退回理由。"),
                        code="reason_required",
                    )
                }
            )
        now = timezone.now()
        events = []
        for record in records:
            events.append(
                cls(
                    record=record,
                    action=action,
                    from_state=record.state,
                    to_state=new_state,
                    actor=user,
                    at=now,
                    reason=reason,
                )
            )
            record.state = new_state
            if action == cls.Action.SUBMIT:
                record.changed_by = user
        return events


class EvidenceFile(models.Model):
    """A photo, PDF or office document backing a progress record; checked by its content."""

    record = models.ForeignKey(
        ProgressRecord,
        verbose_name=_("进度记录"),
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    file = models.FileField(
        _("文件"), upload_to=evidence_path, max_length=200, validators=[validate_evidence_file]
    )
    original_name = models.CharField(_("原文件名"), max_length=200)
    size_bytes = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.PROTECT,
        related_name="evidence_files",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["record_id", "uploaded_at", "pk"]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("office:evidence", args=[self.pk])
