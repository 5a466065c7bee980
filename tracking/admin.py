from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tracking.import_admin import SpreadsheetExportMixin, SpreadsheetImportExportMixin
from tracking.models import (
    Jurisdiction,
    Milestone,
    Plan,
    PreviousYearResult,
    ProgressRecord,
    Target,
    TaskArea,
    Unit,
)
from tracking.resources import (
    PreviousYearResultResource,
    ProgressRecordResource,
    TargetResource,
)
from tracking.status import Status


@admin.register(Jurisdiction)
class JurisdictionAdmin(SpreadsheetExportMixin, admin.ModelAdmin):
    list_display = ["name", "level", "parent", "slug"]
    list_filter = ["level"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Unit)
class UnitAdmin(SpreadsheetExportMixin, admin.ModelAdmin):
    list_display = ["name", "jurisdiction"]
    list_filter = ["jurisdiction"]
    search_fields = ["name"]


class TaskAreaInline(admin.TabularInline):
    model = TaskArea
    extra = 0


@admin.register(Plan)
class PlanAdmin(SpreadsheetExportMixin, admin.ModelAdmin):
    list_display = ["title", "jurisdiction", "year", "report_date"]
    list_filter = ["jurisdiction", "year"]
    search_fields = ["title"]
    inlines = [TaskAreaInline]


@admin.register(TaskArea)
class TaskAreaAdmin(SpreadsheetExportMixin, admin.ModelAdmin):
    list_display = ["__str__", "plan", "position"]
    list_filter = ["plan"]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


class ProgressRecordInline(admin.TabularInline):
    model = ProgressRecord
    extra = 1
    fields = ["as_of", "value", "growth_pct", "milestone", "note", "shortfall_reason", "state"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Offer only the stages of the target being edited, not every target's stages.
        if db_field.name == "milestone":
            target_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Milestone.objects.filter(target_id=target_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


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


@admin.register(Target)
class TargetAdmin(SpreadsheetImportExportMixin, admin.ModelAdmin):
    resource_classes = [TargetResource]
    list_display = ["code", "name", "area", "kind", "measure_unit", "goal", "status_today"]
    list_display_links = ["code", "name"]
    list_filter = ["plan", "area", "kind", "measure_unit", StatusFilter]
    list_select_related = ["area", "plan"]
    search_fields = ["code", "name", "source_text"]
    ordering = ["plan", "area__position", "position"]
    inlines = [MilestoneInline, ProgressRecordInline]
    readonly_fields = ["original_target_value", "original_target_growth_pct", "revised_on"]
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
                    "responsible_unit",
                ]
            },
        ),
        (
            _("目标调整"),
            {
                "fields": [
                    ("original_target_value", "original_target_growth_pct"),
                    "revised_on",
                    "revision_reason",
                ]
            },
        ),
        (_("报告依据"), {"fields": ["source_text", "report_conflict"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_progress()

    @admin.display(description=_("目标"))
    def goal(self, target):
        if target.kind == Target.Kind.GROWTH:
            return f"+{target.target_growth_pct}%"
        if target.target_value is None:
            return "—"
        return f"{target.target_value.normalize():f} {target.measure_unit}"

    @admin.display(description=_("今日状态"))
    def status_today(self, target):
        return target.assess().status.label

    def save_formset(self, request, form, formset, change):
        # Record who entered each new progress record.
        for record in formset.save(commit=False):
            if isinstance(record, ProgressRecord) and record.entered_by_id is None:
                record.entered_by = request.user
            record.save()
        for record in formset.deleted_objects:
            record.delete()
        formset.save_m2m()


@admin.register(ProgressRecord)
class ProgressRecordAdmin(SpreadsheetImportExportMixin, admin.ModelAdmin):
    resource_classes = [ProgressRecordResource]
    list_display = ["target", "as_of", "value", "growth_pct", "milestone", "state", "entered_by"]
    list_filter = ["state", "target__plan", "target__area"]
    list_select_related = ["target", "milestone", "entered_by"]
    search_fields = ["target__code", "target__name", "note"]
    autocomplete_fields = ["target"]
    readonly_fields = ["entered_by", "entered_at", "updated_at"]
    date_hierarchy = "as_of"

    def save_model(self, request, obj, form, change):
        if obj.entered_by_id is None:
            obj.entered_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(PreviousYearResult)
class PreviousYearResultAdmin(SpreadsheetImportExportMixin, admin.ModelAdmin):
    resource_classes = [PreviousYearResultResource]
    list_display = ["name", "value", "qualifier", "measure_unit", "growth_pct", "section", "plan"]
    list_filter = ["plan", "section"]
    search_fields = ["name", "source_text"]
    ordering = ["plan", "position"]
