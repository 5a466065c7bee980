"""Sub-tasks (分解任务) of a target and their monthly nodes."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tracking.models.plans import Unit
from tracking.models.targets import Target

# Decomposition (issue 16): the office splits a target into sub-tasks, each with its lead unit,
# leader in charge, measures and monthly nodes. tracking/rules/decomposition.py derives the parent's
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
