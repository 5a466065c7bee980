"""Spreadsheet import and export in the admin, as one mixin the ModelAdmins inherit.

``SpreadsheetImportExportMixin`` wires django-import-export's admin views (permission codes
from settings, preview then confirm) to our resources and file handling: the user picks the
plan the file belongs to, uploads XLSX or CSV, sees every row as new / updated / unchanged /
error with its row number and reason, and confirms to write all rows in one transaction.
``ExportMixin`` alone gives the other admin lists their XLSX and CSV export.
"""

import uuid
from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import resources
from import_export.admin import ExportMixin, ImportExportMixin
from import_export.forms import ConfirmImportForm, ExportForm, ImportForm
from import_export.results import RowResult
from import_export.tmp_storages import BaseStorage

from tracking import spreadsheets
from tracking.models import PendingImport, Plan
from tracking.spreadsheets import workbooks

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# How long an uploaded file waits for its confirmation before it is thrown away.
PENDING_LIFETIME = timedelta(days=1)


class DatabaseTmpStorage(BaseStorage):
    """Keeps the upload between preview and confirm in the database (see PendingImport)."""

    def save(self, data):
        PendingImport.objects.filter(created_at__lt=timezone.now() - PENDING_LIFETIME).delete()
        self.name = self.name or uuid.uuid4().hex
        PendingImport.objects.create(name=self.name, data=bytes(data))

    def read(self):
        pending = PendingImport.objects.filter(name=self.name).first()
        if pending is None:
            raise spreadsheets.SpreadsheetError(_("上传的文件已过期或已导入，请重新上传。"))
        return bytes(pending.data)

    def remove(self):
        PendingImport.objects.filter(name=self.name).delete()


class PlanImportForm(ImportForm):
    plan = forms.ModelChoiceField(
        Plan.objects.in_report_order().select_related("jurisdiction"),
        label=gettext_lazy("年度计划"),
    )

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        try:
            spreadsheets.check_size(upload.size)
        except spreadsheets.SpreadsheetError as error:
            raise forms.ValidationError(str(error), code="too_large") from None
        return upload


class PlanConfirmImportForm(ConfirmImportForm):
    plan = forms.ModelChoiceField(Plan.objects.all(), widget=forms.HiddenInput())


class ChineseHeadersResource(resources.ModelResource):
    """Export of a plain admin list, its columns named by the fields' Chinese names: in the
    file's header and in the list of columns the export page shows."""

    @classmethod
    def field_from_django_field(cls, field_name, django_field, readonly):
        field = super().field_from_django_field(field_name, django_field, readonly)
        field.column_name = str(django_field.verbose_name)
        return field


def export_resource_for(model):
    return resources.modelresource_factory(model, resource_class=ChineseHeadersResource)


class SpreadsheetExportMixin(ExportMixin):
    """XLSX and CSV export of an admin list (what the filters show), formula-like cells escaped."""

    formats = [spreadsheets.SafeXLSX, spreadsheets.SafeCSV]
    # Our resources have fixed columns: the form only asks for the format.
    export_form_class = ExportForm

    def get_export_resource_classes(self, request):
        return self.resource_classes or [export_resource_for(self.model)]

    def export_action(self, request):
        """The export page takes the list's filters from its address. Django's list answers a
        filter it does not know with a message; import-export's export page raised a 500."""
        try:
            return super().export_action(request)
        except IncorrectLookupParameters:
            messages.error(request, _("导出地址中的筛选条件无法识别，请在列表页重新筛选后再导出。"))
            opts = self.model._meta
            changelist = f"admin:{opts.app_label}_{opts.model_name}_changelist"
            return HttpResponseRedirect(reverse(changelist, current_app=self.admin_site.name))

    def get_export_data(self, file_format, request, queryset, **kwargs):
        if not self.has_export_permission(request):
            raise PermissionDenied
        # Numbers and dates stay numbers and dates in XLSX (the library checks the exact class).
        native = isinstance(file_format, spreadsheets.SafeXLSX)
        data = self.get_data_for_export(request, queryset, force_native_type=native, **kwargs)
        return file_format.export_data(data)


class SpreadsheetImportExportMixin(SpreadsheetExportMixin, ImportExportMixin):
    """Import (preview, confirm) and export of targets, progress and previous-year results.

    The ModelAdmin sets ``resource_classes = [TheResource]`` from
    tracking/spreadsheets/resources.py.
    """

    formats = [spreadsheets.SafeXLSX, spreadsheets.SafeCSV]
    import_form_class = PlanImportForm
    confirm_form_class = PlanConfirmImportForm
    import_template_name = "admin/tracking/import.html"
    # The audit trail is ImportRun plus the records' history; one LogEntry per row of a
    # 10,000-row file would only slow the import down.
    skip_admin_log = True

    def get_urls(self):
        info = self.get_model_info()
        return [
            path(
                "import-template.xlsx",
                self.admin_site.admin_view(self.import_template_view),
                name="{}_{}_import_template".format(*info),
            ),
            *super().get_urls(),
        ]

    def import_template_view(self, request):
        if not self.has_import_permission(request):
            return HttpResponse(status=403)
        plan = Plan.objects.filter(pk=request.GET.get("plan") or None).first() or (
            Plan.objects.current()
        )
        resource = self.get_import_resource_classes(request)[0]
        response = HttpResponse(workbooks.import_template(resource, plan), content_type=XLSX_TYPE)
        filename = f"{self.model._meta.model_name}-template.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def get_import_resource_kwargs(self, request, **kwargs):
        form = kwargs.get("form")
        plan = form.cleaned_data.get("plan") if form is not None and form.is_bound else None
        return {"plan": plan, "user": request.user}

    def get_import_data_kwargs(self, **kwargs):
        kwargs.pop("form", None)
        kwargs.pop("request", None)
        return kwargs

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            initial["plan"] = import_form.cleaned_data["plan"].pk
        return initial

    def get_import_context_data(self, **kwargs):
        return {
            "template_url": reverse(
                "admin:{}_{}_import_template".format(*self.get_model_info()),
                current_app=self.admin_site.name,
            )
        }

    def add_data_read_fail_error_to_form(self, form, error):
        if isinstance(error, spreadsheets.SpreadsheetError):
            form.add_error("import_file", str(error))
        else:
            super().add_data_read_fail_error_to_form(form, error)

    def process_import(self, request, **kwargs):
        try:
            return super().process_import(request, **kwargs)
        except spreadsheets.SpreadsheetError as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(self._import_url())

    def _import_url(self):
        return reverse(
            "admin:{}_{}_import".format(*self.get_model_info()), current_app=self.admin_site.name
        )

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            for line in result.messages()[:20]:
                messages.error(request, line)
            messages.error(request, _("导入未完成，没有写入任何数据。"))
            return HttpResponseRedirect(self._import_url())
        return super().process_result(result, request)

    def add_success_message(self, result, request):
        totals = result.totals
        messages.success(
            request,
            _("导入完成：新增%(new)s行，更新%(updated)s行，未变%(unchanged)s行。")
            % {
                "new": totals[RowResult.IMPORT_TYPE_NEW],
                "updated": totals[RowResult.IMPORT_TYPE_UPDATE],
                "unchanged": totals[RowResult.IMPORT_TYPE_SKIP],
            },
        )
