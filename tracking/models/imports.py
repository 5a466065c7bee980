"""Spreadsheet imports: the log of each run and the uploads awaiting confirmation."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tracking.models.base import local_minute
from tracking.models.plans import Plan


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
