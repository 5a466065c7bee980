"""The officials' pages under /office/: my targets, progress entry, review, evidence downloads.

Every view fetches through an access helper that filters by tracking/rules/access.py, so a guessed
URL for another unit's target or record is a 404 (or 403 when the row is visible but not theirs to
change) and never a page. Every page is personal and internal: never stored by a browser or a
proxy (Cache-Control: no-store).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from tracking.models import EditConflict, EvidenceFile, Plan, ProgressRecord, Target
from tracking.office.forms import BulkApproveForm, ProgressEntryForm, ReviewForm
from tracking.rules import access
from tracking.rules.reporting import current_period


def _get_target_to_report_on(user, pk):
    return get_object_or_404(
        Target.objects.reportable_by(user).select_related("plan", "area"), pk=pk
    )


def _get_record_to_edit(user, pk):
    record = get_object_or_404(
        ProgressRecord.objects.visible_to(user).select_related("target__plan"), pk=pk
    )
    if not (record.is_editable and access.can_change_record(user, record)):
        raise PermissionDenied(_("这条记录已报送或已发布，不能再修改；如需更正，请新增一条记录。"))
    return record


def _get_record_to_review(user, pk):
    return get_object_or_404(
        ProgressRecord.objects.reviewable_by(user)
        .select_related("target__plan", "target__responsible_unit", "entered_by", "milestone")
        .prefetch_related("evidence", "review_events__actor"),
        pk=pk,
    )


def _has_returned_record(target):
    return any(record.state == ProgressRecord.State.RETURNED for record in target.open_records)


@never_cache
@login_required
def my_targets(request):
    # What is due follows the plan: a plan whose year is over asks for its last period only.
    newest_plan = (
        Plan.objects.filter(targets__in=Target.objects.reportable_by(request.user))
        .order_by("-year")
        .first()
    )
    period = current_period(plan=newest_plan)
    open_records = (
        ProgressRecord.objects.exclude(state=ProgressRecord.State.PUBLISHED)
        .exclude(state=ProgressRecord.State.WITHDRAWN)
        .with_return_reason()
        .order_by("target_id", "as_of")  # the default ordering joins through every plan
    )
    targets = (
        Target.objects.reportable_by(request.user)
        .with_progress()
        .with_report_status(period)
        .prefetch_related(Prefetch("records", queryset=open_records, to_attr="open_records"))
        .in_report_order()
    )
    search = request.GET.get("q", "").strip()
    if search:
        targets = targets.filter(Q(code__icontains=search) | Q(name__icontains=search))
    # What the reporter does first: correct what came back, then file the reports still due;
    # then the rest. Each list in the report's order (the last two grouped by area).
    returned, due, reported = [], [], []
    for target in targets:
        if _has_returned_record(target):
            returned.append(target)
        else:
            (reported if target.reported else due).append(target)
    can_review = access.may_review(request.user)
    waiting = ProgressRecord.objects.awaiting_review_by(request.user).count() if can_review else 0
    return render(
        request,
        "tracking/office/my_targets.html",
        {
            "period": period,
            "is_late": period.is_late(timezone.localdate()),
            "returned": returned,
            "due": due,
            "reported": reported,
            "search": search,
            "can_review": can_review,
            "waiting_for_review": waiting,
        },
    )


@never_cache
@login_required
def report_progress(request, pk):
    target = _get_target_to_report_on(request.user, pk)
    return _entry_form(request, target, ProgressRecord())


@never_cache
@login_required
def edit_record(request, pk):
    record = _get_record_to_edit(request.user, pk)
    return _entry_form(request, record.target, record)


def _entry_form(request, target, record):
    form = ProgressEntryForm(
        request.POST or None, request.FILES or None, instance=record, target=target
    )
    if request.method == "POST" and form.is_valid():
        submit = request.POST.get("action") == ProgressEntryForm.SUBMIT
        try:
            form.save_entry(user=request.user, submit=submit)
        except EditConflict as conflict:
            form.add_error(None, str(conflict))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if submit:
                messages.success(request, _("已提交审核：%(target)s") % {"target": target})
            else:
                messages.success(request, _("已保存草稿：%(target)s") % {"target": target})
            return redirect("office:my_targets")
    return render(
        request,
        "tracking/office/progress_form.html",
        {
            "form": form,
            "target": target,
            "record": record,
            "period": current_period(plan=target.plan),
        },
    )


@never_cache
@login_required
def review_list(request):
    """The records waiting for this leader, several of which may be approved at once: each
    through ProgressRecord.approve(), so each is checked on its own (four eyes included), and a
    refused one is named without undoing the others."""
    if not access.may_review(request.user):
        raise PermissionDenied
    records = (
        ProgressRecord.objects.awaiting_review_by(request.user)
        .select_related("target__responsible_unit", "entered_by", "milestone")
        .order_by("updated_at")
    )
    form = BulkApproveForm(request.POST or None, records=records)
    if request.method == "POST" and form.is_valid():
        _approve_each(request, form.cleaned_data["records"])
        return redirect("office:review_list")
    records = list(records)
    # Offered no tick box: approve() would refuse them (four eyes); returning them stays open.
    own_records = (
        set()
        if settings.ALLOW_SELF_APPROVAL
        else {record.pk for record in records if record.is_authored_by(request.user)}
    )
    return render(
        request,
        "tracking/office/review_list.html",
        {"records": records, "form": form, "own_records": own_records},
    )


def _approve_each(request, records):
    approved = 0
    for record in records:
        try:
            warnings = record.approve(by=request.user)
        except (PermissionDenied, EditConflict) as refusal:
            messages.error(request, f"{record}：{refusal}")
        except ValidationError as error:
            messages.error(request, f"{record}：{' '.join(error.messages)}")
        else:
            approved += 1
            for warning in warnings:
                messages.warning(request, warning)
    if approved:
        messages.success(request, _("已审核通过并发布 %(count)s 条记录。") % {"count": approved})


@never_cache
@login_required
def review_record(request, pk):
    record = _get_record_to_review(request.user, pk)
    form = ReviewForm(request.POST or None, initial={"version": record.version})
    if request.method == "POST" and form.is_valid():
        record.version = form.cleaned_data["version"]
        try:
            if form.cleaned_data["decision"] == ReviewForm.APPROVE:
                record.approve(by=request.user)
                messages.success(request, _("已审核通过并发布：%(record)s") % {"record": record})
            else:
                record.return_for_changes(by=request.user, reason=form.cleaned_data["reason"])
                messages.success(request, _("已退回：%(record)s") % {"record": record})
        except EditConflict as conflict:
            form.add_error(None, str(conflict))
        except PermissionDenied as refusal:
            form.add_error(None, str(refusal))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("office:review_list")
    return render(
        request,
        "tracking/office/review_record.html",
        {
            "record": record,
            "form": form,
            "is_own_record": record.is_authored_by(request.user)
            and not settings.ALLOW_SELF_APPROVAL,
            "warnings": record.approval_warnings(),
        },
    )


@never_cache
@login_required
def evidence(request, pk):
    """Evidence is internal: served only to those who may see its record, as a download."""
    evidence_file = get_object_or_404(
        EvidenceFile.objects.filter(record__in=ProgressRecord.objects.visible_to(request.user)),
        pk=pk,
    )
    return FileResponse(
        evidence_file.file.open("rb"), as_attachment=True, filename=evidence_file.original_name
    )
