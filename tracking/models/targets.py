"""The targets of a plan, their stages (Milestone) and their stored assessment."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tracking import roles
from tracking.models.base import EVERYTHING, FIGURE, NOTHING, PERCENT, VersionedModel
from tracking.models.plans import Plan, TaskArea, Unit
from tracking.rules import choices, status


class TargetQuerySet(models.QuerySet):
    def for_plan(self, plan):
        return self.filter(plan=plan)

    def in_report_order(self):
        """As the report lists them: by task area, then place in the area. The default ordering
        stays on this table (no join), so every page that shows the report's order asks."""
        return self.order_by("plan_id", "area__position", "position", "pk")

    # The row scopes of the permission rule (tracking/rules/access.py explains it and checks single
    # objects with them): a *_condition() is the Q on Target, a *_to()/_by() the filtered set.
    def visible_condition(self, user):
        if not user.is_active or not user.has_perm("tracking.view_target"):
            return NOTHING
        return EVERYTHING if roles.sees_everything(user) else self._units_condition(user)

    def reportable_condition(self, user):
        """Targets the user may add progress records to (and import records for)."""
        if not user.has_perm("tracking.add_progressrecord"):
            return NOTHING
        if roles.is_administrator(user) or roles.STATISTICIAN in roles.held_by(user):
            return EVERYTHING
        return self._units_condition(user)

    def portfolio_condition(self, user):
        """A leader's portfolio: their units' targets, or every target for a leader of no unit."""
        if roles.is_administrator(user):
            return EVERYTHING
        if roles.LEADER not in roles.held_by(user):
            return NOTHING
        return self._units_condition(user) if roles.unit_ids(user) else EVERYTHING

    def reviewable_condition(self, user):
        return self.portfolio_condition(user) if roles.may_review(user) else NOTHING

    def changeable_condition(self, user):
        if not user.has_perm("tracking.change_target"):
            return NOTHING
        if roles.is_administrator(user) or roles.STATISTICIAN in roles.held_by(user):
            return EVERYTHING
        return self.portfolio_condition(user)

    def _units_condition(self, user):
        return Q(pk__in=Target.objects.of_units(roles.unit_ids(user)).values("pk"))

    def visible_to(self, user):
        return self.filter(self.visible_condition(user))

    def reportable_by(self, user):
        return self.filter(self.reportable_condition(user))

    def of_units(self, unit_ids):
        """Targets a unit leads or helps with; a target is counted once."""
        co_led = Target.co_units.through.objects.filter(unit_id__in=unit_ids)
        return self.filter(Q(responsible_unit__in=unit_ids) | Q(pk__in=co_led.values("target_id")))

    def active_in(self, period):
        """Targets whose own period overlaps a reporting period, i.e. that owe a report for it."""
        return self.filter(starts_on__lte=period.ends_on, deadline__gte=period.starts_on)

    def with_report_status(self, period):
        """Annotate whether the period's report is in (submitted or published) and any draft."""
        in_window = ProgressRecord.objects.filter(
            target=OuterRef("pk"), as_of__range=(period.starts_on, period.due_on)
        )
        return self.annotate(
            reported=Exists(in_window.filter(state__in=ProgressRecord.State.counted_as_reported())),
            has_open_draft=Exists(in_window.filter(state__in=ProgressRecord.EDITABLE_STATES)),
        )

    def with_progress(self):
        """Everything Target.assess() and the lists need, in a fixed number of queries."""
        # Ordered by target_id, not by the models' default orderings: those sort through the
        # target's plan, jurisdiction and area, joining every target of every plan. A record's
        # stage is prefetched by primary key: joining it made PostgreSQL scan every stage of
        # every plan (bench/EXPLAIN.md).
        return self.select_related(
            "area", "responsible_unit", "plan__jurisdiction"
        ).prefetch_related(
            models.Prefetch(
                "milestones", queryset=Milestone.objects.order_by("target_id", "position")
            ),
            models.Prefetch(
                "records",
                # Ordered so that of two published records for one date (a correction) the
                # later one comes last and counts.
                queryset=ProgressRecord.objects.published()
                .prefetch_related("milestone")
                .order_by("target_id", "as_of", "pk"),
                to_attr="published_records",
            ),
        )


class Target(VersionedModel):
    """One thing the plan promises, of one of the five kinds the report uses."""

    Kind = choices.Kind
    Direction = choices.Direction
    Period = choices.Period

    plan = models.ForeignKey(
        Plan, verbose_name=_("年度计划"), on_delete=models.CASCADE, related_name="targets"
    )
    area = models.ForeignKey(
        TaskArea, verbose_name=_("任务领域"), on_delete=models.PROTECT, related_name="targets"
    )
    code = models.CharField(
        _("编号"), max_length=16, help_text=_("在本年度计划内唯一，如 M1、A3-05。")
    )
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    name = models.CharField(_("目标名称"), max_length=200)
    name_en = models.CharField(_("英文名称"), max_length=300, blank=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    direction = models.CharField(
        _("方向"), max_length=10, choices=Direction.choices, default=Direction.INCREASE
    )
    measure_unit = models.CharField(
        _("计量单位"), max_length=16, blank=True, help_text=_("按报告原文，如 亿元、万元、亩、%。")
    )
    measure_unit_en = models.CharField(_("计量单位（英文）"), max_length=64, blank=True)
    baseline_year = models.PositiveSmallIntegerField(_("基数年份"), null=True, blank=True)
    baseline_value = models.DecimalField(
        _("基数（上年实际）"),
        **FIGURE,
        null=True,
        blank=True,
        help_text=_("报告给出的上年实际值；报告未给出的留空。"),
    )
    target_value = models.DecimalField(
        _("目标值"),
        **FIGURE,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("累计完成量、水平或每周期定额；增长目标留空。"),
    )
    target_growth_pct = models.DecimalField(
        _("目标增速（%）"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    original_target_value = models.DecimalField(
        _("原定目标值"),
        **FIGURE,
        null=True,
        blank=True,
        help_text=_("年中调整目标时保留的原目标值。"),
    )
    original_target_growth_pct = models.DecimalField(
        _("原定目标增速（%）"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    revision_reason = models.TextField(_("调整原因"), blank=True)
    revised_on = models.DateField(_("调整日期"), null=True, blank=True)
    quota_period = models.CharField(_("定额周期"), max_length=8, choices=Period.choices, blank=True)
    starts_on = models.DateField(
        _("起始日期"), blank=True, help_text=_("留空则为计划年度的1月1日。")
    )
    deadline = models.DateField(
        _("完成期限"), blank=True, help_text=_("留空则为计划年度的12月31日。")
    )
    responsible_unit = models.ForeignKey(
        Unit,
        verbose_name=_("责任单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="targets",
        help_text=_("牵头单位；报告未写明的留空。"),
    )
    co_units = models.ManyToManyField(
        Unit,
        verbose_name=_("配合单位"),
        blank=True,
        related_name="co_targets",
        help_text=_("配合单位的填报员同样可以填报本目标的进度。"),
    )
    source_text = models.TextField(_("报告原文"))
    report_conflict = models.TextField(
        _("报告内部矛盾"),
        blank=True,
        help_text=_("报告前后数字不一致时，两处数字都保留，并在此说明。"),
    )
    report_conflict_en = models.TextField(_("报告内部矛盾（英文）"), blank=True)

    objects = TargetQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[co_units])

    class Meta:
        verbose_name = _("目标任务")
        verbose_name_plural = _("目标任务")
        permissions = [
            ("import_target", _("可从表格导入目标任务")),
            ("export_target", _("可导出目标任务")),
        ]
        ordering = ["plan_id", "area_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="target_unique_code"),
            models.CheckConstraint(
                condition=Q(target_value__isnull=True) | Q(target_value__gte=0),
                name="target_value_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("starts_on")),
                name="target_deadline_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(kind=choices.Kind.GROWTH) | Q(target_growth_pct__isnull=False),
                name="growth_target_has_growth",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[choices.Kind.GROWTH, choices.Kind.MILESTONE])
                | Q(target_value__isnull=False),
                name="figure_target_has_value",
            ),
            models.CheckConstraint(
                condition=~Q(kind=choices.Kind.QUOTA) | ~Q(quota_period=""),
                name="quota_target_has_period",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def save(self, *args, **kwargs):
        self._fill_defaults_from_plan()
        return super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse(
            "tracking:target", args=[self.plan.jurisdiction.slug, self.plan.year, self.code]
        )

    def clean(self):
        self._fill_defaults_from_plan()
        errors = {}
        if self.area_id and self.plan_id and self.area.plan_id != self.plan_id:
            errors["area"] = ValidationError(
                _("任务领域必须属于同一年度计划。"), code="area_other_plan"
            )
        if self.kind == self.Kind.GROWTH and self.target_growth_pct is None:
            errors["target_growth_pct"] = ValidationError(
                _("增长目标必须填写目标增速（%）。"), code="growth_required"
            )
        needs_value = self.kind in (self.Kind.AMOUNT, self.Kind.LEVEL, self.Kind.QUOTA)
        if needs_value and self.target_value is None:
            errors["target_value"] = ValidationError(
                _("此类目标必须填写目标值。"), code="value_required"
            )
        if self.kind == self.Kind.QUOTA and not self.quota_period:
            errors["quota_period"] = ValidationError(
                _("周期性定额必须选择定额周期。"), code="period_required"
            )
        if (
            self.measure_unit == PERCENT
            and self.target_value is not None
            and self.target_value > 100
        ):
            errors["target_value"] = ValidationError(
                _("以%为单位的目标值不能超过100。"), code="percent_over_100"
            )
        if self.starts_on and self.deadline and self.deadline < self.starts_on:
            errors["deadline"] = ValidationError(
                _("完成期限不能早于起始日期。"), code="deadline_before_start"
            )
        if errors:
            raise ValidationError(errors)

    def _fill_defaults_from_plan(self):
        """The plan's year is the default period; a baseline is the year under review's."""
        if not self.plan_id:
            return
        self.starts_on = self.starts_on or self.plan.starts_on
        self.deadline = self.deadline or self.plan.ends_on
        if self.baseline_value is not None and self.baseline_year is None:
            self.baseline_year = self.plan.review_year

    @property
    def implied_target_level(self):
        """A growth target as the level it implies: GDP 17.1亿元 × 1.07 = 18.297亿元."""
        return self.level_implied_by(self.target_growth_pct)

    def level_implied_by(self, growth_pct):
        """The level a growth on the baseline gives, in the target's unit; None without one."""
        if self.kind != self.Kind.GROWTH or self.baseline_value is None or growth_pct is None:
            return None
        return self.baseline_value * (1 + growth_pct / 100)

    @property
    def is_revised(self):
        return self.revised_on is not None

    def revise(self, *, on, reason, target_value=None, target_growth_pct=None):
        """Change the goal during the year, keeping the first original beside the revision."""
        if not self.is_revised:
            self.original_target_value = self.target_value
            self.original_target_growth_pct = self.target_growth_pct
        if target_value is not None:
            self.target_value = target_value
        if target_growth_pct is not None:
            self.target_growth_pct = target_growth_pct
        self.revised_on = on
        self.revision_reason = reason
        self.full_clean()
        self.save()

    def assess(self, on=None, *, explain=True):
        """This target's status on a date, from its published records (see
        tracking/rules/status.py);
        ``explain=False`` leaves out the explanation text only the target page shows.

        Uses the records prefetched by TargetQuerySet.with_progress() when present.
        """
        on = on or timezone.localdate()
        return status.assess(self._status_inputs(self.published_up_to(on)), on, explain=explain)

    def published_up_to(self, on):
        """The published records dated on or before ``on``, oldest first; uses the records
        prefetched by TargetQuerySet.with_progress() when present."""
        records = getattr(self, "published_records", None)
        if records is None:
            records = list(
                ProgressRecord.objects.published()
                .filter(target=self)
                .select_related("milestone")
                .order_by("as_of", "pk")
            )
        return sorted((r for r in records if r.as_of <= on), key=lambda r: r.as_of)

    def latest_record_on(self, on):
        """The published record that decides the status on ``on``, if any."""
        records = self.published_up_to(on)
        return records[-1] if records else None

    def stages_reached_on(self, on):
        """How many stages of a qualitative task are reached by ``on``."""
        return _stages_reached(self.published_up_to(on))

    def progress_history(self, on=None):
        """Each published date up to ``on``, its figure with the status it gave then, oldest
        first: the series the target's chart and table show. Needs with_progress(); a
        correction replaces the figure of its date."""
        on = on or timezone.localdate()
        latest_per_date = {record.as_of: record for record in self.published_up_to(on)}
        return [
            (record, self.assess(record.as_of, explain=False))
            for record in latest_per_date.values()
        ]

    def _status_inputs(self, records):
        latest = records[-1] if records else None
        milestones = list(self.milestones.all()) if self.kind == self.Kind.MILESTONE else []
        return status.TargetFacts(
            kind=self.kind,
            direction=self.direction,
            starts_on=self.starts_on,
            deadline=self.deadline,
            baseline_value=self.baseline_value,
            target_value=self.target_value,
            target_growth_pct=self.target_growth_pct,
            measure_unit=self.measure_unit,
            quota_period=self.quota_period,
            latest_as_of=latest.as_of if latest else None,
            latest_value=latest.value if latest else None,
            latest_growth_pct=latest.growth_pct if latest else None,
            period_values={r.as_of: r.value for r in records if r.value is not None},
            stage_count=len(milestones),
            stages_reached=_stages_reached(records),
            stage_due_dates=[m.due_on for m in milestones],
        )


def _stages_reached(records):
    return max((r.milestone.position for r in records if r.milestone_id), default=0)


class Milestone(models.Model):
    """A stage of a qualitative task, in order; reaching it is reported as a progress record."""

    target = models.ForeignKey(
        Target, verbose_name=_("目标任务"), on_delete=models.CASCADE, related_name="milestones"
    )
    position = models.PositiveSmallIntegerField(_("阶段序号"))
    name = models.CharField(_("阶段名称"), max_length=200)
    name_en = models.CharField(_("英文名称"), max_length=300, blank=True)
    due_on = models.DateField(_("计划完成日期"), null=True, blank=True)
    source_text = models.TextField(
        _("依据"), blank=True, help_text=_("阶段出自报告原文时填写；系统默认阶段留空。")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("阶段节点")
        verbose_name_plural = _("阶段节点")
        ordering = ["target_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["target", "position"], name="milestone_unique_position"
            ),
            models.CheckConstraint(condition=Q(position__gte=1), name="milestone_position_from_1"),
        ]

    def __str__(self):
        return f"{self.position}. {self.name}"


class TargetAssessmentQuerySet(models.QuerySet):
    def refresh(self, targets):
        """Recompute and store the assessment of ``targets`` (a Target queryset) on the date
        their plan judges on by default: tracking/rules/status.py decides, as for a page asked for
        that date. Called in the transaction that changes the published data (and daily by
        ``manage.py refresh_assessments``, as the expected pace moves with the date)."""
        stored = []
        for target in targets.select_related(None).select_related("plan").with_progress():
            on = target.plan.public_judgement_date()
            assessment = target.assess(on, explain=False)
            latest = target.latest_record_on(on)
            stored.append(
                TargetAssessment(
                    target=target,
                    on=on,
                    status=assessment.status,
                    progress_pct=assessment.progress_pct,
                    expected_pct=assessment.expected_pct,
                    latest_as_of=latest.as_of if latest else None,
                    latest_value=latest.value if latest else None,
                    latest_growth_pct=latest.growth_pct if latest else None,
                    latest_milestone_id=latest.milestone_id if latest else None,
                )
            )
        self.bulk_create(
            stored,
            batch_size=500,
            update_conflicts=True,
            unique_fields=["target"],
            update_fields=[
                "on",
                "status",
                "progress_pct",
                "expected_pct",
                "latest_as_of",
                "latest_value",
                "latest_growth_pct",
                "latest_milestone",
            ],
        )
        return len(stored)


class TargetAssessment(models.Model):
    """A target's assessment on the date its plan's pages judge on by default, stored so that
    the lists and the API read one row per target instead of assessing every target from all
    its records on every request. Written only by TargetAssessment.objects.refresh(), i.e. by
    the status rule; a page asked for another date assesses afresh."""

    target = models.OneToOneField(
        Target,
        verbose_name=_("目标任务"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="stored_assessment",
    )
    on = models.DateField(_("评估日期"))
    status = models.CharField(_("状态"), max_length=16, choices=choices.Status.choices)
    progress_pct = models.DecimalField(
        _("完成进度（%）"), max_digits=16, decimal_places=1, null=True
    )
    expected_pct = models.DecimalField(
        _("应达进度（%）"), max_digits=16, decimal_places=1, null=True
    )
    latest_as_of = models.DateField(_("数据截至"), null=True)
    latest_value = models.DecimalField(_("最新累计实际值"), **FIGURE, null=True)
    latest_growth_pct = models.DecimalField(
        _("最新累计增速（%）"), max_digits=7, decimal_places=2, null=True
    )
    latest_milestone = models.ForeignKey(
        Milestone,
        verbose_name=_("最新完成阶段"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    objects = TargetAssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("目标评估")
        verbose_name_plural = _("目标评估")

    def __str__(self):
        return f"{self.target_id} · {self.on} · {self.get_status_display()}"


def refresh_stored_assessments(sender, instance, raw=False, **kwargs):
    """Signal receiver (connected in TrackingConfig.ready): a save or delete of what the
    assessment rests on recomputes it in the same transaction. Drafts and records in review
    change nothing the public sees; no transition leads out of PUBLISHED, so a published
    record is one that is (or was, when deleted) counted. Bulk writes call refresh() themselves."""
    if raw:  # loaddata: the fixture's rows, not a change of published data
        return
    if sender is Plan:
        targets = Target.objects.filter(plan_id=instance.pk)
    elif sender is Target:
        targets = Target.objects.filter(pk=instance.pk)
    elif sender is ProgressRecord and instance.state != ProgressRecord.State.PUBLISHED:
        return
    else:  # a Milestone or a published ProgressRecord
        targets = Target.objects.filter(pk=instance.target_id)
    TargetAssessment.objects.refresh(targets)


# A cycle: targets read their progress records only when called.
from tracking.models.progress import ProgressRecord  # noqa: E402
