"""Who plans and what: Jurisdiction, Unit, Plan and TaskArea."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


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


# A cycle: the units' QuerySet asks for targets only when called.
from tracking.models.targets import Target  # noqa: E402
