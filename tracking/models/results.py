"""What was achieved the year before (PreviousYearResult)."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tracking.models.base import FIGURE, VersionedModel
from tracking.models.plans import Plan
from tracking.rules import choices


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
