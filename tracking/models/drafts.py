"""Report drafts: a work report read into proposals, before any plan exists."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tracking.models.base import FIGURE
from tracking.models.plans import Jurisdiction, Plan
from tracking.models.results import PreviousYearResult
from tracking.models.targets import Target

# Report drafts (issue 16): a work report read by tracking/drafting/report_parser.py, waiting for
# staff to accept, edit or drop each proposal. Nothing here is public;
# tracking/drafting/report_drafts.py turns an accepted draft into a Plan.


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
