"""The officials' admin, role-aware: every list is scoped, every object checked and every
review step taken through the model's transition methods, all by the rules of
tracking/rules/access.py.
"""

import dataclasses
from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import display_for_field, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from tracking.models import (
    EditConflict,
    EvidenceFile,
    ImportRun,
    Jurisdiction,
    Milestone,
    Plan,
    PreviousYearResult,
    ProgressRecord,
    ReviewEvent,
    Target,
    TaskArea,
    Unit,
)
from tracking.office.forms import ReasonForm, VersionCheckedForm
from tracking.rules import access, figures
from tracking.rules.choices import Status
from tracking.spreadsheets.import_admin import SpreadsheetExportMixin, SpreadsheetImportExportMixin
from tracking.spreadsheets.resources import (
    PreviousYearResultResource,
    ProgressRecordResource,
    TargetResource,
)


def figure(model, field_name):
    """A Decimal column or read-only field as the report writes it: 17.1, not the field's
    17.1000 (Django pads to the field's decimal places)."""
    field = model._meta.get_field(field_name)

    @admin.display(description=field.verbose_name, ordering=field_name)
    def column(obj):
        value = getattr(obj, field_name)
        return admin.site.empty_value_display if value is None else figures.plain(value)

    column.__name__ = f"{field_name}_figure"
    return column


class FigureInput(forms.NumberInput):
    """The same in forms: a stored 17.1000 is offered for editing as 17.1."""

    def format_value(self, value):
        return super().format_value(figures.plain(value) if isinstance(value, Decimal) else value)


class ReadableHistory(HistoricalRecordContextHelper):
    """simple-history's list of changes in the words of the change form: a state's label rather
    than its stored value, a figure without padding, a time in the local time zone."""

    def context_for_delta_changes(self, delta):
        # The version is the edit-conflict counter (VersionedModel), not part of the content.
        changes = [change for change in delta.changes if change.field != "version"]
        return super().context_for_delta_changes(dataclasses.replace(delta, changes=changes))

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if value is None:
            return "—"
        if field.is_relation:
            return super().prepare_delta_change_value(change, value)
        if isinstance(value, Decimal):
            return figures.plain(value)
        return display_for_field(value, field, "—")


class HistoryAdmin(SimpleHistoryAdmin):
    """The change history (who, when, before/after) is shown; it is never written back over
    the current row, which would bypass review and the version check."""

    formfield_overrides = {models.DecimalField: {"widget": FigureInput}}

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableHistory(self.model, historical_record)

    def set_history_delta_changes(self, request, historical_records, **kwargs):
        super().set_history_delta_changes(request, historical_records, **kwargs)
        for version in historical_records:
            # simple-history's list prints a missing reason as "None".
            version.history_change_reason = version.history_change_reason or "—"

    def history_view(self, request, object_id, extra_context=None):
        _require_id(self.model, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        _require_id(self.model, object_id)
        _require_id(self.model.history.model, version_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


def _require_id(model, value):
    """A history address whose id is not a valid key is a missing page, not a server error:
    simple-history hands the id to the database unchecked (a ValueError, a 500)."""
    try:
        model._meta.pk.to_python(unquote(value))
    except ValidationError:
        raise Http404 from None


class ObjectRulesAdmin(HistoryAdmin):
    """Row-level permissions come from tracking/rules/access.py: `object_rules` maps an action
    ("view", "change", "delete") to the rule that decides it for one row. Without a row,
    Django's model permissions decide. The history pages look rows up outside
    get_queryset(), so these checks are what guards them."""

    object_rules = {}

    def _allowed(self, action, request, obj):
        rule = self.object_rules.get(action)
        if obj is None or rule is None:
            return getattr(super(), f"has_{action}_permission")(request, obj)
        return rule(request.user, obj)

    def has_view_permission(self, request, obj=None):
        return self._allowed("view", request, obj)

    def has_change_permission(self, request, obj=None):
        return self._allowed("change", request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._allowed("delete", request, obj)


class VersionedAdmin(ObjectRulesAdmin):
    """Carries the version in the change form; a stale save is refused with a message."""

    form = VersionCheckedForm

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not self.has_change_permission(request, obj):
            return fieldsets
        return [*fieldsets, (None, {"fields": ["version"], "classes": ["hidden"]})]

    def get_fields(self, request, obj=None):
        fields = [name for name in super().get_fields(request, obj) if name != "version"]
        return fields

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except EditConflict as conflict:
            # Raised by the conditional UPDATE after the form's own check passed: a true race.
            self.message_user(request, str(conflict), messages.ERROR)
            return redirect(request.path)


@admin.register(Jurisdiction)
class JurisdictionAdmin(SpreadsheetExportMixin, HistoryAdmin):
    list_display = ["name", "level", "parent", "slug"]
    list_filter = ["level"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Unit)
class UnitAdmin(SpreadsheetExportMixin, ObjectRulesAdmin):
    """Reporters see only their own units and who is in them; the list, the export, the
    history and the object pages all follow access.visible_units()."""

    object_rules = {"view": access.can_view_unit}
    list_display = ["name", "jurisdiction", "member_count"]
    list_filter = ["jurisdiction"]
    search_fields = ["name"]
    filter_horizontal = ["members"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(access.visible_units(request.user))
            .annotate(member_total=Count("members"))
        )

    @admin.display(description=_("工作人员数"), ordering="member_total")
    def member_count(self, unit):
        return unit.member_total


class TaskAreaInline(admin.TabularInline):
    model = TaskArea
    extra = 0


@admin.register(Plan)
class PlanAdmin(SpreadsheetExportMixin, HistoryAdmin):
    list_display = ["title", "jurisdiction", "year", "report_date"]
    list_filter = ["jurisdiction", "year"]
    search_fields = ["title"]
    inlines = [TaskAreaInline]


@admin.register(TaskArea)
class TaskAreaAdmin(SpreadsheetExportMixin, HistoryAdmin):
    list_display = ["__str__", "plan", "position"]
    list_filter = ["plan"]


@admin.register(Milestone)
class MilestoneAdmin(ObjectRulesAdmin):
    object_rules = {"view": access.can_view_milestone, "change": access.can_change_milestone}
    list_display = ["target", "position", "name", "due_on"]
    list_filter = ["target__plan", "target__area"]
    list_select_related = ["target"]
    search_fields = ["name", "target__code", "target__name"]
    autocomplete_fields = ["target"]

    def get_queryset(self, request):
        visible = Target.objects.visible_to(request.user)
        return super().get_queryset(request).filter(target__in=visible)


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


class ProgressRecordInline(admin.TabularInline):
    """Read-only here: records are entered and reviewed through their own form and actions,
    so no one can publish a figure by typing a state into an inline row."""

    model = ProgressRecord
    extra = 0
    fields = [
        "record_link",
        "as_of",
        figure(ProgressRecord, "value"),
        figure(ProgressRecord, "growth_pct"),
        "milestone",
        "state",
        "entered_by",
    ]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .visible_to(request.user)
            .select_related("milestone", "entered_by")
        )

    @admin.display(description=_("记录"))
    def record_link(self, record):
        url = reverse("admin:tracking_progressrecord_change", args=[record.pk])
        return format_html('<a href="{}">{}</a>', url, _("查看"))


class StatusFilter(admin.SimpleListFilter):
    """Filters by the computed status, which is not a column: it depends on today's date."""

    title = _("状态")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return Status.choices

    def queryset(self, request, queryset):
        if self.value() not in Status.values:
            return queryset
        # TargetAdmin.get_queryset() has already prefetched what assess() needs.
        today = timezone.localdate()
        matching = [t.pk for t in queryset if t.assess(today).status == self.value()]
        return queryset.filter(pk__in=matching)


# Read-only on the target's form: named once, as the fieldsets must name the same objects.
ORIGINAL_TARGET_VALUE = figure(Target, "original_target_value")
ORIGINAL_TARGET_GROWTH = figure(Target, "original_target_growth_pct")


@admin.register(Target)
class TargetAdmin(SpreadsheetImportExportMixin, VersionedAdmin):
    resource_classes = [TargetResource]
    object_rules = {"view": access.can_view_target, "change": access.can_change_target}
    # The status next to the name, so that it is in view on an office screen; the long area
    # titles last (their filter is on the right).
    list_display = [
        "code",
        "name",
        "status_today",
        "goal",
        "responsible_unit",
        "kind",
        "area",
    ]
    list_display_links = ["code", "name"]
    list_filter = ["plan", "area", "kind", "responsible_unit", StatusFilter]
    list_select_related = ["area", "plan"]
    search_fields = ["code", "name", "source_text"]
    ordering = ["plan", "area__position", "position"]
    inlines = [MilestoneInline, ProgressRecordInline]
    readonly_fields = [ORIGINAL_TARGET_VALUE, ORIGINAL_TARGET_GROWTH, "revised_on"]
    filter_horizontal = ["co_units"]
    fieldsets = [
        (None, {"fields": ["plan", "area", "code", "position", "name", "kind", "direction"]}),
        (
            _("目标与基数"),
            {
                "fields": [
                    "measure_unit",
                    ("baseline_year", "baseline_value"),
                    ("target_value", "target_growth_pct"),
                    "quota_period",
                    ("starts_on", "deadline"),
                ]
            },
        ),
        (_("责任单位"), {"fields": ["responsible_unit", "co_units"]}),
        (
            _("目标调整"),
            {
                "fields": [
                    (ORIGINAL_TARGET_VALUE, ORIGINAL_TARGET_GROWTH),
                    "revised_on",
                    "revision_reason",
                ]
            },
        ),
        (_("报告依据"), {"fields": ["source_text", "report_conflict"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_progress().visible_to(request.user)

    @admin.display(description=_("目标"))
    def goal(self, target):
        return figures.goal_text(target)

    @admin.display(description=_("今日状态"))
    def status_today(self, target):
        return target.assess().status.label


class ReviewEventInline(admin.TabularInline):
    model = ReviewEvent
    extra = 0
    fields = ["at", "actor", "action", "from_state", "to_state", "reason"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class EvidenceFileInline(admin.TabularInline):
    """Listed with a permission-checked download link; uploads go through the entry form,
    which checks each file's content."""

    model = EvidenceFile
    extra = 0
    fields = ["download", "size_bytes", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Evidence of a submitted or published record stays: a change is a correction.
        return obj is not None and obj.is_editable and access.can_change_record(request.user, obj)

    @admin.display(description=_("文件"))
    def download(self, evidence):
        return format_html('<a href="{}">{}</a>', evidence.get_absolute_url(), evidence)


class AwaitingReviewFilter(admin.SimpleListFilter):
    title = _("审核")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("mine", _("待我审核"))]

    def queryset(self, request, queryset):
        if self.value() == "mine":
            return queryset.awaiting_review_by(request.user)
        return queryset


@admin.register(ProgressRecord)
class ProgressRecordAdmin(SpreadsheetImportExportMixin, VersionedAdmin):
    object_rules = {
        "view": access.can_view_record,
        "change": access.can_change_record,
        "delete": access.can_delete_record,
    }
    resource_classes = [ProgressRecordResource]
    # Few, narrow columns, the state early and on one line (admin.css): it stays in view.
    list_display = ["target", "as_of", "state", "actual", "return_reason", "entered_by"]
    list_filter = ["state", AwaitingReviewFilter, "target__plan", "target__responsible_unit"]
    list_select_related = ["target", "milestone", "entered_by"]
    # The list and its export in the report's order (the model's own ordering joins nothing).
    ordering = [
        "-target__plan__year",
        "target__plan__jurisdiction__name",
        "target__area__position",
        "target__position",
        "as_of",
    ]
    search_fields = ["target__code", "target__name", "note"]
    readonly_fields = [
        "state",
        "review_warnings",
        "entered_by",
        "changed_by",
        "entered_at",
        "updated_at",
    ]
    date_hierarchy = "as_of"
    inlines = [EvidenceFileInline, ReviewEventInline]
    actions = ["submit_records", "approve_records", "return_records", "withdraw_records"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "target",
                    "as_of",
                    "value",
                    "growth_pct",
                    "milestone",
                    "note",
                    "shortfall_reason",
                ]
            },
        ),
        (
            _("状态"),
            {
                "fields": [
                    "state",
                    "review_warnings",
                    "entered_by",
                    "changed_by",
                    "entered_at",
                    "updated_at",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user).with_return_reason()

    def get_readonly_fields(self, request, obj=None):
        # A record never moves to another target; the target is chosen when it is added.
        return [*self.readonly_fields, "target"] if obj else self.readonly_fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if "target" in form.base_fields:
            form.base_fields["target"].queryset = Target.objects.reportable_by(request.user)
        if "milestone" in form.base_fields:
            targets = [obj.target_id] if obj else Target.objects.reportable_by(request.user)
            form.base_fields["milestone"].queryset = Milestone.objects.filter(
                target__in=targets
            ).select_related("target")
        return form

    def has_review_permission(self, request):
        return access.may_review(request.user)

    def save_model(self, request, obj, form, change):
        if not change:
            if not access.can_report_on(request.user, obj.target):
                raise PermissionDenied
            obj.entered_by = request.user
            obj.state = ProgressRecord.State.DRAFT
        elif not obj.is_editable:
            # A submitted or published figure is not changed in place (four eyes): the change
            # becomes a new submitted record, and the stored one stays public until another
            # reviewer approves the correction.
            obj.correction = correction = obj.correct(by=request.user)
            self.message_user(
                request,
                _(
                    "修改已另存为待审核的更正记录（第%(pk)s号），原记录不变；须由另一位审核领导审核通过后才公开。"
                )
                % {"pk": correction.pk},
                messages.WARNING,
            )
            return
        obj.changed_by = request.user
        super().save_model(request, obj, form, change)

    def response_change(self, request, obj):
        correction = getattr(obj, "correction", None)
        if correction is not None:  # the message is said; show the record that waits for review
            return redirect("admin:tracking_progressrecord_change", correction.pk)
        return super().response_change(request, obj)

    def delete_queryset(self, request, queryset):
        # The bulk delete action, record by record, so each one is checked.
        for record in queryset:
            if not access.can_delete_record(request.user, record):
                raise PermissionDenied
            record.delete()

    @admin.display(description=_("审核前请核对"))
    def review_warnings(self, record):
        warnings = record.approval_warnings() if record.state == record.State.SUBMITTED else []
        return format_html_join("", "<p>{}</p>", ((warning,) for warning in warnings)) or "—"

    @admin.display(description=_("实际"))
    def actual(self, record):
        if record.milestone_id:
            return record.milestone.name
        shown = []
        if record.value is not None:
            shown.append(f"{figures.plain(record.value)} {record.target.measure_unit}")
        if record.growth_pct is not None:
            shown.append(_("增长%(pct)s%%") % {"pct": figures.plain(record.growth_pct)})
        return " ".join(shown)

    @admin.display(description=_("退回理由"))
    def return_reason(self, record):
        """The start of it; the whole reason is on the record's page and in the review trail."""
        if record.state != ProgressRecord.State.RETURNED or not record.return_reason:
            return ""
        return Truncator(record.return_reason).chars(20)

    @admin.action(description=_("提交审核"), permissions=["add"])
    def submit_records(self, request, queryset):
        self._transition_each(request, queryset, lambda r: r.submit(by=request.user))

    @admin.action(description=_("审核通过并发布"), permissions=["review"])
    def approve_records(self, request, queryset):
        def approve(record):
            for warning in record.approve(by=request.user):
                self.message_user(request, warning, messages.WARNING)

        self._transition_each(request, queryset, approve)

    @admin.action(description=_("退回修改（需填写理由）"), permissions=["review"])
    def return_records(self, request, queryset):
        return self._with_reason(
            request,
            queryset,
            "return_records",
            lambda record, reason: record.return_for_changes(by=request.user, reason=reason),
            title=_("退回修改"),
            intro=_("以下记录将退回给填报单位修改，填报员会看到退回理由："),
            confirm_label=_("确认退回"),
            label=_("退回理由"),
        )

    @admin.action(
        description=_("撤回（需填写理由；报送过的记录不删除，只撤回）"), permissions=["add"]
    )
    def withdraw_records(self, request, queryset):
        return self._with_reason(
            request,
            queryset,
            "withdraw_records",
            lambda record, reason: record.withdraw(by=request.user, reason=reason),
            title=_("撤回"),
            intro=_("以下记录将被撤回：不再审核、不会公开，审核记录保留："),
            confirm_label=_("确认撤回"),
            label=_("撤回理由"),
        )

    def _with_reason(self, request, queryset, action_name, transition, **texts):
        """An action that asks one written reason for the selected records first."""
        form = ReasonForm(request.POST if "reason" in request.POST else None, label=texts["label"])
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            self._transition_each(request, queryset, lambda record: transition(record, reason))
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": texts["title"],
            "intro": texts["intro"],
            "confirm_label": texts["confirm_label"],
            "action_name": action_name,
            "opts": self.model._meta,
            "records": queryset.select_related("target"),
            "form": form,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(
            request, "admin/tracking/progressrecord/return_records.html", context
        )

    def _transition_each(self, request, queryset, transition):
        """Each record on its own: one refused record does not undo the others, and is named."""
        done = 0
        for record in queryset.select_related("target"):
            try:
                transition(record)
            except (ValidationError, PermissionDenied, EditConflict) as error:
                reason = " ".join(error.messages) if isinstance(error, ValidationError) else error
                self.message_user(request, f"{record}：{reason}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(
                request, _("已处理 %(count)s 条记录。") % {"count": done}, messages.SUCCESS
            )


@admin.register(ReviewEvent)
class ReviewEventAdmin(HistoryAdmin):
    """The review trail, read-only: nobody adds, changes or deletes an event by hand."""

    list_display = ["at", "record", "action", "from_state", "to_state", "actor", "reason"]
    list_filter = ["action", "record__target__plan"]
    list_select_related = ["record__target", "actor"]
    search_fields = ["record__target__code", "record__target__name", "reason"]
    date_hierarchy = "at"

    def get_queryset(self, request):
        visible = ProgressRecord.objects.visible_to(request.user)
        return super().get_queryset(request).filter(record__in=visible)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        if obj is not None:
            return access.can_view_record(request.user, obj.record)
        return super().has_view_permission(request, obj)


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """The audit trail of confirmed imports, read-only: it is written by the import itself."""

    list_display = [
        "imported_at",
        "imported_by",
        "content_type",
        "plan",
        "file_name",
        "new_rows",
        "updated_rows",
        "unchanged_rows",
        "skipped_rows",
    ]
    list_filter = [("content_type", admin.RelatedOnlyFieldListFilter), "plan"]
    list_select_related = ["imported_by", "content_type", "plan__jurisdiction"]
    date_hierarchy = "imported_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PreviousYearResult)
class PreviousYearResultAdmin(SpreadsheetImportExportMixin, VersionedAdmin):
    resource_classes = [PreviousYearResultResource]
    list_display = [
        "name",
        figure(PreviousYearResult, "value"),
        "qualifier",
        "measure_unit",
        figure(PreviousYearResult, "growth_pct"),
        "section",
        "plan",
    ]
    list_filter = ["plan", "section"]
    search_fields = ["name", "source_text"]
    ordering = ["plan", "position"]


# Issue 16 (report → draft plan, sub-tasks) and the authenticators: their admin classes
# register themselves on import.
from tracking.admin import authenticators, decomposition, report_drafts  # noqa: E402, F401
