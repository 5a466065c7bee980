"""The work report as data: who plans (Jurisdiction), what they plan each year (Plan, TaskArea,
Target, Milestone), what they achieved the year before (PreviousYearResult) and how the year is
going (ProgressRecord).

Figures are Decimals in the unit the report prints them in (17.1 with unit 亿元); converting between
units is never done silently.

Officials belong to units (Unit.members); a progress record moves DRAFT → SUBMITTED → PUBLISHED or
RETURNED (or is WITHDRAWN) through its transition methods, each leaving a ReviewEvent. Who may see
which rows is in the QuerySets' scopes below (tracking/access.py explains the rule and checks
single objects); every model here keeps its history (django-simple-history).
"""

import datetime
import uuid
from decimal import Decimal
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tracking import choices, figures, roles, status
from tracking.evidence import validate_evidence_file

PERCENT = "%"
FIGURE = {"max_digits": 16, "decimal_places": 4}


# The two row scopes that need no query: kept as objects so that a check can say "all" or
# "none" without asking the database (tracking/access.py).
NOTHING = Q(pk__in=[])
EVERYTHING = Q()


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


def local_minute(moment):
    """A stored (UTC) time as the office reads it: in settings.TIME_ZONE, to the minute."""
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


class EditConflict(Exception):
    """Someone saved the row after this copy of it was read; the later save is refused."""

    message = _(
        "保存失败：在您打开之后，这条记录已被他人修改并保存。为避免覆盖他人的修改，"
        "本次保存未生效。请重新打开页面，核对最新内容后再修改。"
    )

    def __str__(self):
        return str(self.message)


class VersionedModel(models.Model):
    """Optimistic locking: a save must name the version it read, and bumps it atomically.

    The conditional UPDATE ... WHERE version = <read version> runs in the same transaction as the
    save, so of two concurrent saves of one row exactly one wins and the other raises EditConflict.
    """

    version = models.PositiveIntegerField(
        _("版本号"), default=1, help_text=_("每次保存加一，用于发现并拒绝相互覆盖的修改。")
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._state.adding:
            return super().save(*args, **kwargs)
        with transaction.atomic(using=kwargs.get("using")):
            claimed = (
                type(self)
                ._base_manager.filter(pk=self.pk, version=self.version)
                .update(version=F("version") + 1)
            )
            if not claimed:
                raise EditConflict
            self.version += 1
            return super().save(*args, **kwargs)


class Jurisdiction(models.Model):
    """A town or county that publishes a work report; a county may hold several towns."""

    class Level(models.TextChoices):
        COUNTY = "county", _("县（区）")
        TOWN = "town", _("镇（街道）")

    name = models.CharField(_("名称"), max_length=64)
    slug = models.SlugField(_("网址代码"), max_length=64, unique=True)
    level = models.CharField(_("层级"), max_length=8, choices=Level.choices, default=Level.TOWN)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级行政区"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("行政区")
        verbose_name_plural = _("行政区")
        permissions = [
            ("export_jurisdiction", _("可导出行政区")),
        ]
        ordering = ["name"]

    def __str__(self):
        return self.name


class UnitQuerySet(models.QuerySet):
    def with_report_counts(self, period):
        """Per unit: targets it leads that owe a report for the period, and how many are in."""
        owing = Target.objects.active_in(period)
        reported = owing.with_report_status(period).filter(reported=True)
        return self.annotate(
            targets_due=models.Count("targets", filter=Q(targets__in=owing.values("pk"))),
            targets_reported=models.Count("targets", filter=Q(targets__in=reported.values("pk"))),
        )


class Unit(models.Model):
    """A responsible unit (党政办, 经济发展办…) of a jurisdiction."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("行政区"), on_delete=models.PROTECT, related_name="units"
    )
    name = models.CharField(_("单位名称"), max_length=64)
    name_en = models.CharField(_("英文名称"), max_length=128, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("工作人员"),
        blank=True,
        related_name="units",
        help_text=_("填报员只能看到并填报本单位牵头或配合的目标；审核领导的分管范围也按单位确定。"),
    )

    objects = UnitQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[members])

    class Meta:
        verbose_name = _("责任单位")
        verbose_name_plural = _("责任单位")
        permissions = [
            ("export_unit", _("可导出责任单位")),
        ]
        ordering = ["jurisdiction_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "name"], name="unit_unique_name"),
        ]

    def __str__(self):
        return self.name

    @property
    def targets_unreported(self):
        """Needs with_report_counts(): the targets whose report for the period is not in."""
        return self.targets_due - self.targets_reported


class PlanQuerySet(models.QuerySet):
    def in_report_order(self):
        """Newest year first, then jurisdictions by name: the order plans are listed in."""
        return self.order_by("-year", "jurisdiction__name", "pk")

    def current(self):
        """The plan the home page shows: the newest year, then the first jurisdiction by name."""
        return self.select_related("jurisdiction").in_report_order().first()

    def other_years_of(self, plan):
        """The same jurisdiction's other plans: a page's links that do not grow with the number
        of towns an instance serves."""
        return (
            self.filter(jurisdiction=plan.jurisdiction_id)
            .exclude(pk=plan.pk)
            .select_related("jurisdiction")
        )


class Plan(models.Model):
    """One jurisdiction's work report for one year: its targets and its look back."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("行政区"), on_delete=models.PROTECT, related_name="plans"
    )
    year = models.PositiveSmallIntegerField(_("计划年度"))
    title = models.CharField(_("标题"), max_length=200)
    title_en = models.CharField(_("英文标题"), max_length=300, blank=True)
    report_date = models.DateField(_("报告日期"))
    source = models.TextField(_("来源"), help_text=_("报告人、会议名称等，说明数据出自哪份文件。"))
    source_en = models.TextField(_("来源（英文）"), blank=True)

    objects = PlanQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("年度计划")
        verbose_name_plural = _("年度计划")
        permissions = [
            ("export_plan", _("可导出年度计划")),
        ]
        ordering = ["-year", "jurisdiction_id"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "year"], name="plan_one_per_year"),
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100), name="plan_year_plausible"
            ),
        ]

    def __str__(self):
        return f"{self.jurisdiction} {self.year}"

    def get_absolute_url(self):
        return reverse("tracking:plan", args=[self.jurisdiction.slug, self.year])

    @property
    def url_args(self):
        """The jurisdiction and year that name this plan in every public URL."""
        return [self.jurisdiction.slug, self.year]

    @property
    def review_year(self):
        """The year section 一 of the report looks back on."""
        return self.year - 1

    @property
    def starts_on(self):
        return datetime.date(self.year, 1, 1)

    @property
    def ends_on(self):
        return datetime.date(self.year, 12, 31)

    def default_judgement_date(self, today):
        """The date the public pages judge the plan on when none is asked for: today while the
        year runs (or before it starts), its last day once it has ended."""
        return min(today, self.ends_on)

    def public_judgement_date(self):
        """The date the public pages and the API judge the plan on by default, and the date its
        stored assessments are for: default_judgement_date of today, or on a demo site the
        mid-year date its demo progress runs up to."""
        if settings.DEMO_DATA:
            return self.judgement_date_within_year(settings.DEMO_AS_OF)
        return self.default_judgement_date(timezone.localdate())

    def judgement_date_within_year(self, on):
        """A date asked for, brought into the plan's year: before it nothing has started, after
        it the year-end review stands."""
        return min(max(on, self.starts_on), self.ends_on)

    def is_closed_on(self, on):
        """Whether the plan's year is over on ``on``: its pages are then a year-end review."""
        return on >= self.ends_on


class TaskArea(models.Model):
    """A part of the plan: the main targets, then areas (一)–(六) as the report words them."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("年度计划"), on_delete=models.CASCADE, related_name="areas"
    )
    position = models.PositiveSmallIntegerField(_("顺序"))
    numeral = models.CharField(_("序号"), max_length=8, blank=True, help_text=_("如“（一）”。"))
    title = models.CharField(_("标题"), max_length=200)
    title_en = models.CharField(_("英文标题"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("任务领域")
        verbose_name_plural = _("任务领域")
        permissions = [
            ("export_taskarea", _("可导出任务领域")),
        ]
        ordering = ["plan_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="area_unique_position"),
        ]

    def __str__(self):
        return f"{self.numeral}{self.title}"

    def get_absolute_url(self):
        plan = self.plan
        return reverse("tracking:area", args=[plan.jurisdiction.slug, plan.year, self.position])


class TargetQuerySet(models.QuerySet):
    def for_plan(self, plan):
        return self.filter(plan=plan)

    def in_report_order(self):
        """As the report lists them: by task area, then place in the area. The default ordering
        stays on this table (no join), so every page that shows the report's order asks."""
        return self.order_by("plan_id", "area__position", "position", "pk")

    # The row scopes of the permission rule (tracking/access.py explains it and checks single
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
        """This target's status on a date, from its published records (see tracking/status.py);
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
        their plan judges on by default: tracking/status.py decides, as for a page asked for
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

    @property
    def implied_level(self):
        """A growth record as the level it implies on the target's baseline (17.1亿元 grown
        6.5% is 18.2115亿元); None for other kinds or without a baseline."""
        return self.target.level_implied_by(self.growth_pct)

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
        review action (the rule of tracking/access.py); the message says why and who may
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
        this step (its state, and tracking/access.py for this user), move them in memory and
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


class PreviousYearResult(VersionedModel):
    """A result of the year the report looks back on (section 一), as data in its own right."""

    Qualifier = choices.Qualifier

    plan = models.ForeignKey(
        Plan, verbose_name=_("年度计划"), on_delete=models.CASCADE, related_name="results"
    )
    section = models.CharField(_("报告段落"), max_length=64)
    section_en = models.CharField(_("报告段落（英文）"), max_length=128, blank=True)
    position = models.PositiveSmallIntegerField(_("顺序"))
    name = models.CharField(_("指标名称"), max_length=200)
    name_en = models.CharField(_("英文名称"), max_length=300, blank=True)
    value = models.DecimalField(_("数值"), **FIGURE, validators=[MinValueValidator(Decimal(0))])
    qualifier = models.CharField(
        _("数值限定"), max_length=8, choices=Qualifier.choices, blank=True, default=""
    )
    measure_unit = models.CharField(_("计量单位"), max_length=16, blank=True)
    measure_unit_en = models.CharField(_("计量单位（英文）"), max_length=64, blank=True)
    growth_pct = models.DecimalField(
        _("同比增长（%）"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    source_text = models.TextField(_("报告原文"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("上年工作成果")
        verbose_name_plural = _("上年工作成果")
        permissions = [
            ("import_previousyearresult", _("可从表格导入上年工作成果")),
            ("export_previousyearresult", _("可导出上年工作成果")),
        ]
        ordering = ["plan_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="result_unique_position"),
            models.UniqueConstraint(fields=["plan", "name"], name="result_unique_name"),
            models.CheckConstraint(condition=Q(value__gte=0), name="result_value_not_negative"),
        ]

    def __str__(self):
        return self.name

    @property
    def year(self):
        return self.plan.review_year


class ImportRun(models.Model):
    """The audit record of one confirmed spreadsheet import: who, which file, how many rows."""

    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        on_delete=models.PROTECT,
        related_name="import_runs",
    )
    imported_at = models.DateTimeField(_("导入时间"), auto_now_add=True)
    content_type = models.ForeignKey(
        "contenttypes.ContentType", verbose_name=_("导入内容"), on_delete=models.PROTECT
    )
    plan = models.ForeignKey(
        Plan, verbose_name=_("年度计划"), on_delete=models.PROTECT, related_name="import_runs"
    )
    file_name = models.CharField(_("文件名"), max_length=255)
    new_rows = models.PositiveIntegerField(_("新增行数"), default=0)
    updated_rows = models.PositiveIntegerField(_("更新行数"), default=0)
    unchanged_rows = models.PositiveIntegerField(_("未变行数"), default=0)
    skipped_rows = models.PositiveIntegerField(
        _("跳过行数"), default=0, help_text=_("合计行等不导入的行。")
    )

    class Meta:
        verbose_name = _("导入记录")
        verbose_name_plural = _("导入记录")
        ordering = ["-imported_at"]

    def __str__(self):
        return f"{self.file_name} @ {local_minute(self.imported_at)}"


class PendingImport(models.Model):
    """An uploaded file kept between the preview and the confirmation of its import.

    Kept in the database so that whichever gunicorn worker or host serves the confirmation
    finds it; removed when confirmed, and after a day if never confirmed.
    """

    name = models.CharField(_("名称"), max_length=64, unique=True)
    data = models.BinaryField(_("文件内容"))
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("待确认的导入文件")
        verbose_name_plural = _("待确认的导入文件")

    def __str__(self):
        return self.name


# Report drafts (issue 16): a work report read by tracking/report_parser.py, waiting for staff
# to accept, edit or drop each proposal. Nothing here is public; tracking/report_drafts.py turns
# an accepted draft into a Plan.


class ReportDraft(models.Model):
    """An uploaded or pasted work report and the proposals read from it, before any plan exists."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, verbose_name=_("行政区"), on_delete=models.PROTECT, related_name="drafts"
    )
    year = models.PositiveSmallIntegerField(_("计划年度"), null=True, blank=True)
    title = models.CharField(_("标题"), max_length=200, blank=True)
    report_date = models.DateField(_("报告日期"), null=True, blank=True)
    source = models.TextField(_("来源"), blank=True)
    report_text = models.TextField(_("报告全文"))
    file_name = models.CharField(_("文件名"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.PROTECT,
        related_name="report_drafts",
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    plan = models.OneToOneField(
        Plan,
        verbose_name=_("生成的年度计划"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="draft",
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accepted_report_drafts",
    )
    accepted_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("报告草稿")
        verbose_name_plural = _("报告草稿")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.jurisdiction} {self.year or ''} {self.title}".strip()

    @property
    def is_accepted(self):
        return self.accepted_at is not None


class ProposedArea(models.Model):
    """A task area the reader found: 0 for the main targets, then （一）, （二）…"""

    draft = models.ForeignKey(
        ReportDraft, verbose_name=_("报告草稿"), on_delete=models.CASCADE, related_name="areas"
    )
    position = models.PositiveSmallIntegerField(_("顺序"))
    numeral = models.CharField(_("序号"), max_length=8, blank=True)
    title = models.CharField(_("标题"), max_length=200)

    class Meta:
        verbose_name = _("建议任务领域")
        verbose_name_plural = _("建议任务领域")
        ordering = ["draft_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["draft", "position"], name="proposed_area_unique_position"
            ),
        ]

    def __str__(self):
        return f"{self.numeral}{self.title}"


class Proposal(models.Model):
    """One previous-year result or one target the reader proposes; staff decide on each."""

    class Category(models.TextChoices):
        RESULT = "result", _("上年成果")
        TARGET = "target", _("目标任务")

    class Decision(models.TextChoices):
        PENDING = "pending", _("待定")
        ACCEPTED = "accepted", _("采纳")
        DROPPED = "dropped", _("舍弃")

    draft = models.ForeignKey(
        ReportDraft, verbose_name=_("报告草稿"), on_delete=models.CASCADE, related_name="proposals"
    )
    category = models.CharField(_("类别"), max_length=8, choices=Category.choices)
    position = models.PositiveSmallIntegerField(_("顺序"))
    area = models.ForeignKey(
        ProposedArea,
        verbose_name=_("任务领域"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="proposals",
    )
    section = models.CharField(_("报告段落"), max_length=64, blank=True)
    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=10, choices=Target.Kind.choices, blank=True)
    direction = models.CharField(
        _("方向"),
        max_length=10,
        choices=Target.Direction.choices,
        default=Target.Direction.INCREASE,
    )
    value = models.DecimalField(
        _("数值"), **FIGURE, null=True, blank=True, help_text=_("上年成果的数值或目标值。")
    )
    measure_unit = models.CharField(_("计量单位"), max_length=16, blank=True)
    growth_pct = models.DecimalField(
        _("增长（%）"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("上年成果的同比增长，或增长目标的目标增速。"),
    )
    baseline_value = models.DecimalField(_("基数（上年实际）"), **FIGURE, null=True, blank=True)
    qualifier = models.CharField(
        _("数值限定"),
        max_length=8,
        choices=PreviousYearResult.Qualifier.choices,
        blank=True,
        default="",
    )
    quota_period = models.CharField(
        _("定额周期"), max_length=8, choices=Target.Period.choices, blank=True
    )
    source_text = models.TextField(_("报告原文"))
    decision = models.CharField(
        _("审核决定"), max_length=8, choices=Decision.choices, default=Decision.PENDING
    )

    # Edits and decisions in review; the reader's first proposals are bulk-created without it.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("草稿建议")
        verbose_name_plural = _("草稿建议")
        ordering = ["draft_id", "category", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["draft", "category", "position"], name="proposal_unique_position"
            ),
        ]

    def __str__(self):
        return f"{self.get_category_display()} {self.position}：{self.name}"


# Decomposition (issue 16): the office splits a target into sub-tasks, each with its lead unit,
# leader in charge, measures and monthly nodes. tracking/decomposition.py derives the parent's
# progress from the nodes; the target's public status stays its own records'.


class SubTask(models.Model):
    """A 分解任务 of a target: one unit's share of the work, with who answers for it."""

    target = models.ForeignKey(
        Target, verbose_name=_("目标任务"), on_delete=models.CASCADE, related_name="subtasks"
    )
    position = models.PositiveSmallIntegerField(_("顺序"))
    name = models.CharField(_("分解任务名称"), max_length=200)
    responsible_unit = models.ForeignKey(
        Unit,
        verbose_name=_("牵头单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subtasks",
    )
    leader_in_charge = models.CharField(
        _("分管领导"), max_length=64, blank=True, help_text=_("如“副镇长 张三”。")
    )
    measures = models.TextField(_("工作措施"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("分解任务")
        verbose_name_plural = _("分解任务")
        ordering = ["target_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["target", "position"], name="subtask_unique_position"),
        ]

    def __str__(self):
        return f"{self.target.code}-{self.position} {self.name}"


class SubTaskNode(models.Model):
    """A monthly node of a sub-task: what is to be done by a date, and when it was done."""

    subtask = models.ForeignKey(
        SubTask, verbose_name=_("分解任务"), on_delete=models.CASCADE, related_name="nodes"
    )
    due_on = models.DateField(_("节点日期"), help_text=_("通常为月末，如 2022-06-30。"))
    goal = models.CharField(_("节点目标"), max_length=200)
    completed_on = models.DateField(
        _("完成日期"), null=True, blank=True, help_text=_("未完成的留空。")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("月度节点")
        verbose_name_plural = _("月度节点")
        ordering = ["subtask_id", "due_on", "pk"]

    def __str__(self):
        return f"{self.due_on:%Y-%m-%d} {self.goal}"

    def clean(self):
        if self.completed_on and self.completed_on > timezone.localdate():
            raise ValidationError(
                {"completed_on": ValidationError(_("完成日期不能晚于今天。"), code="in_future")}
            )

    def is_done_by(self, on):
        return self.completed_on is not None and self.completed_on <= on
