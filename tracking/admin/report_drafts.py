"""The admin flow from a work report to a plan: upload or paste (add a 报告草稿), review every
proposal on the 草稿建议 list (accept, edit or drop each), then confirm to create the plan.

Every page and action asks tracking/rules/access.py `can_draft_plans`: administrators and statistics
staff only. A draft that has become a plan is read-only.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from tracking.admin import HistoryAdmin  # imported at the end of tracking.admin
from tracking.drafting import report_drafts
from tracking.models import Proposal, ProposedArea, ReportDraft
from tracking.rules import access


class DraftRulesMixin:
    """Only those who may draft plans see these pages; nothing changes once accepted."""

    def has_module_permission(self, request):
        return access.can_draft_plans(request.user)

    def has_view_permission(self, request, obj=None):
        return access.can_draft_plans(request.user)

    def has_change_permission(self, request, obj=None):
        draft = obj.draft if isinstance(obj, Proposal | ProposedArea) else obj
        return access.can_draft_plans(request.user) and not (draft and draft.is_accepted)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)


class ReportUploadForm(forms.ModelForm):
    upload = forms.FileField(
        label=_("报告文件"),
        required=False,
        help_text=_("政府工作报告的 .txt 或 .docx 文件，不超过 5 MB。"),
    )
    pasted_text = forms.CharField(
        label=_("或粘贴报告全文"), required=False, widget=forms.Textarea(attrs={"rows": 12})
    )

    class Meta:
        model = ReportDraft
        fields = ["jurisdiction"]

    def clean(self):
        cleaned = super().clean()
        upload, text = cleaned.get("upload"), cleaned.get("pasted_text", "").strip()
        if bool(upload) == bool(text):
            raise ValidationError(
                _("请上传报告文件或粘贴报告全文（二者选一）。"), code="one_source"
            )
        if upload:
            try:
                cleaned["report_text"] = report_drafts.read_upload(upload)
            except ValidationError as error:
                self.add_error("upload", error)
            cleaned["file_name"] = upload.name[:255]
        else:
            cleaned["report_text"], cleaned["file_name"] = text, ""
        return cleaned


class ProposedAreaInline(admin.TabularInline):
    model = ProposedArea
    fields = ["position", "numeral", "title"]
    readonly_fields = ["position"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return access.can_draft_plans(request.user)

    def has_change_permission(self, request, obj=None):
        return access.can_draft_plans(request.user) and not (obj and obj.is_accepted)


@admin.register(ReportDraft)
class ReportDraftAdmin(DraftRulesMixin, HistoryAdmin):
    list_display = ["__str__", "file_name", "created_by", "created_at", "plan"]
    list_select_related = ["jurisdiction", "created_by", "plan"]
    readonly_fields = [
        "file_name",
        "created_by",
        "created_at",
        "proposal_counts",
        "plan",
        "accepted_by",
        "accepted_at",
    ]
    fields = [
        "jurisdiction",
        "year",
        "title",
        "report_date",
        "source",
        *readonly_fields,
    ]
    inlines = [ProposedAreaInline]

    def has_add_permission(self, request):
        return access.can_draft_plans(request.user)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ReportUploadForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        return ["jurisdiction", "upload", "pasted_text"] if obj is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def get_inlines(self, request, obj):
        return self.inlines if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        draft = report_drafts.create_draft(
            jurisdiction=form.cleaned_data["jurisdiction"],
            text=form.cleaned_data["report_text"],
            file_name=form.cleaned_data["file_name"],
            user=request.user,
        )
        obj.pk = draft.pk
        obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        if change:
            super().save_related(request, form, formsets, change)

    def response_add(self, request, obj, post_url_continue=None):
        return redirect(_proposals_url(obj))

    @admin.display(description=_("建议"))
    def proposal_counts(self, draft):
        counts = draft.proposals.aggregate(
            **{
                decision: Count("pk", filter=Q(decision=decision))
                for decision in Proposal.Decision.values
            }
        )
        return format_html(
            '<a href="{}">{}</a>',
            _proposals_url(draft),
            _("待定 %(pending)s 条，采纳 %(accepted)s 条，舍弃 %(dropped)s 条：逐条审核") % counts,
        )

    def get_urls(self):
        return [
            path(
                "<int:draft_id>/accept/",
                self.admin_site.admin_view(self.accept_view),
                name="tracking_reportdraft_accept",
            ),
            *super().get_urls(),
        ]

    def accept_view(self, request, draft_id):
        if not access.can_draft_plans(request.user):
            raise PermissionDenied
        draft = get_object_or_404(ReportDraft, pk=draft_id)
        if request.method == "POST":
            try:
                plan = report_drafts.accept(
                    draft, user=request.user, include_pending="include_pending" in request.POST
                )
            except ValidationError as error:
                for message in error.messages:
                    self.message_user(request, message, messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("已生成年度计划“%(plan)s”：%(targets)s 项目标任务，%(results)s 项上年成果。")
                    % {
                        "plan": plan,
                        "targets": plan.targets.count(),
                        "results": plan.results.count(),
                    },
                    messages.SUCCESS,
                )
                return redirect(reverse("admin:tracking_plan_change", args=[plan.pk]))
        counts = dict(draft.proposals.values_list("decision").annotate(n=Count("pk")).order_by())
        context = {
            **self.admin_site.each_context(request),
            "title": _("确认生成年度计划"),
            "opts": self.model._meta,
            "draft": draft,
            "pending": counts.get(Proposal.Decision.PENDING, 0),
            "accepted": counts.get(Proposal.Decision.ACCEPTED, 0),
            "dropped": counts.get(Proposal.Decision.DROPPED, 0),
            "proposals_url": _proposals_url(draft),
        }
        return TemplateResponse(request, "admin/tracking/report_draft_accept.html", context)


def _proposals_url(draft):
    return f"{reverse('admin:tracking_proposal_changelist')}?draft__id__exact={draft.pk}"


@admin.register(Proposal)
class ProposalAdmin(DraftRulesMixin, HistoryAdmin):
    """The review screen: each proposal with its sentence, editable in the list."""

    list_display = [
        "position",
        "placement",
        "name",
        "decision",
        "kind",
        "value",
        "measure_unit",
        "growth_pct",
        "qualifier",
        "quota_period",
        "source_text",
    ]
    list_display_links = ["position"]
    list_editable = [
        "name",
        "kind",
        "value",
        "measure_unit",
        "growth_pct",
        "qualifier",
        "quota_period",
        "decision",
    ]
    list_filter = ["draft", "category", "decision", "kind"]
    list_select_related = ["area", "draft"]
    list_per_page = 50
    search_fields = ["name", "source_text"]
    readonly_fields = ["draft", "category", "position", "area", "source_text"]
    actions = ["accept_selected", "drop_selected"]

    def has_add_permission(self, request):
        return False  # proposals come from the reader only

    def get_changelist_form(self, request, **kwargs):
        # Narrow inputs, so that a row and its sentence fit on one screen.
        kwargs["widgets"] = {
            "name": forms.TextInput(attrs={"size": 24}),
            "value": forms.TextInput(attrs={"size": 8}),
            "growth_pct": forms.TextInput(attrs={"size": 5}),
            "measure_unit": forms.TextInput(attrs={"size": 5}),
        }
        return super().get_changelist_form(request, **kwargs)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(draft__accepted_at__isnull=True)

    @admin.display(description=_("归属"), ordering="category")
    def placement(self, proposal):
        """Where the proposal goes: a target's task area, a result's section."""
        if proposal.category == Proposal.Category.TARGET:
            return proposal.area
        return f"{proposal.get_category_display()} · {proposal.section}"

    @admin.action(description=_("采纳所选建议"), permissions=["change"])
    def accept_selected(self, request, queryset):
        self._decide(request, queryset, Proposal.Decision.ACCEPTED)

    @admin.action(description=_("舍弃所选建议"), permissions=["change"])
    def drop_selected(self, request, queryset):
        self._decide(request, queryset, Proposal.Decision.DROPPED)

    def _decide(self, request, queryset, decision):
        count = queryset.update(decision=decision)
        self.message_user(
            request,
            _("已将 %(count)s 条建议标为“%(decision)s”。")
            % {"count": count, "decision": Proposal.Decision(decision).label},
            messages.SUCCESS,
        )
