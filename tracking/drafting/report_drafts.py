"""From a work report to a plan: read the file, keep the reader's proposals as a draft, and
turn the proposals staff accepted into the Plan, its areas, targets and previous-year results.

The reader (tracking/drafting/report_parser.py) only proposes. Nothing becomes a Plan, and so
nothing becomes public, until `accept()`; it writes everything in one transaction or nothing at all.
Who may do this is decided in tracking/rules/access.py (`can_draft_plans`).
"""

import io
import zipfile

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tracking.drafting import report_parser
from tracking.management.commands.load_report import DEFAULT_STAGES
from tracking.models import (
    Milestone,
    Plan,
    PreviousYearResult,
    Proposal,
    ProposedArea,
    ReportDraft,
    Target,
    TaskArea,
)
from tracking.rules import access

# A township's report is some 30 KB of text, a .docx of it well under 1 MB.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
TEXT_ENCODINGS = ("utf-8-sig", "gb18030")


def read_upload(uploaded):
    """The text of an uploaded .txt (UTF-8 or GB18030) or .docx report; ValidationError if it is
    too large, of another type, or unreadable."""
    name = uploaded.name or ""
    if uploaded.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("报告文件“%(name)s”超过 %(mb)s MB。") % {"name": name, "mb": MAX_UPLOAD_BYTES >> 20},
            code="too_large",
        )
    content = uploaded.read()
    suffix = name.lower().rsplit(".", 1)[-1] if "." in name else ""
    if suffix == "docx":
        return _docx_text(content, name)
    if suffix == "txt":
        for encoding in TEXT_ENCODINGS:
            try:
                return content.decode(encoding)
            except UnicodeDecodeError:
                continue
        raise ValidationError(
            _("报告文件“%(name)s”不是 UTF-8 或 GBK 编码的文本。") % {"name": name},
            code="bad_encoding",
        )
    raise ValidationError(
        _("报告文件“%(name)s”的类型不支持，请上传 .txt 或 .docx 文件。") % {"name": name},
        code="bad_type",
    )


def _docx_text(content, name):
    import docx  # python-docx; imported here so that plain-text reports never need it

    try:
        document = docx.Document(io.BytesIO(content))
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise ValidationError(
            _("报告文件“%(name)s”不是有效的 Word（.docx）文档。") % {"name": name},
            code="bad_docx",
        ) from error
    return "\n".join(paragraph.text for paragraph in document.paragraphs)


def create_draft(*, jurisdiction, text, user, file_name=""):
    """Read the report and keep every proposal, pending review, in one transaction."""
    if not access.can_draft_plans(user):
        raise PermissionDenied
    if not text.strip():
        raise ValidationError(_("报告全文为空。"), code="empty")
    found = report_parser.parse_report(text)
    with transaction.atomic():
        draft = ReportDraft.objects.create(
            jurisdiction=jurisdiction,
            year=found.year,
            title=found.title,
            report_date=found.report_date,
            source=found.source,
            report_text=text,
            file_name=file_name,
            created_by=user,
        )
        areas = {
            area.position: ProposedArea.objects.create(
                draft=draft, position=area.position, numeral=area.numeral, title=area.title
            )
            for area in found.areas
        }
        Proposal.objects.bulk_create(
            [
                Proposal(
                    draft=draft,
                    category=Proposal.Category.RESULT,
                    position=number,
                    section=result.section,
                    name=result.name,
                    value=result.value,
                    measure_unit=result.measure_unit,
                    growth_pct=result.growth_pct,
                    qualifier=result.qualifier,
                    source_text=result.source_text,
                )
                for number, result in enumerate(found.results, start=1)
            ]
            + [
                Proposal(
                    draft=draft,
                    category=Proposal.Category.TARGET,
                    position=number,
                    area=areas[target.area],
                    name=target.name,
                    kind=target.kind,
                    direction=target.direction,
                    value=target.target_value,
                    measure_unit=target.measure_unit,
                    growth_pct=target.target_growth_pct,
                    baseline_value=target.baseline_value,
                    quota_period=target.quota_period,
                    source_text=target.source_text,
                )
                for number, target in enumerate(found.targets, start=1)
            ]
        )
    return draft


def accept(draft, *, user, include_pending=False):
    """Create the plan from the accepted proposals; refuse with every problem named, writing
    nothing, if any proposal is undecided (unless include_pending) or would be invalid."""
    if not access.can_draft_plans(user):
        raise PermissionDenied
    with transaction.atomic():
        draft = ReportDraft.objects.select_for_update().get(pk=draft.pk)
        _check_ready(draft, include_pending)
        proposals = draft.proposals.select_related("area")
        if include_pending:
            proposals.filter(decision=Proposal.Decision.PENDING).update(
                decision=Proposal.Decision.ACCEPTED
            )
        accepted = list(proposals.filter(decision=Proposal.Decision.ACCEPTED))
        plan = Plan(
            jurisdiction=draft.jurisdiction,
            year=draft.year,
            title=draft.title,
            report_date=draft.report_date,
            source=draft.source,
        )
        problems = _clean(plan, _("年度计划"))
        if problems:
            raise ValidationError(problems)
        plan.save()
        errors = _create_contents(plan, draft, accepted)
        if errors:
            raise ValidationError(errors)
        draft.plan, draft.accepted_by, draft.accepted_at = plan, user, timezone.now()
        draft.save(update_fields=["plan", "accepted_by", "accepted_at"])
    return plan


def _check_ready(draft, include_pending):
    if draft.is_accepted:
        raise ValidationError(_("该报告草稿已生成年度计划，不能再次确认。"), code="accepted")
    problems = []
    for field, label in (("year", _("计划年度")), ("report_date", _("报告日期"))):
        if not getattr(draft, field):
            problems.append(
                ValidationError(_("请先填写%(field)s。") % {"field": label}, code="required")
            )
    if draft.year and Plan.objects.filter(jurisdiction=draft.jurisdiction, year=draft.year):
        problems.append(
            ValidationError(
                _("%(jurisdiction)s已有%(year)s年度计划，草稿不会覆盖已有计划。")
                % {"jurisdiction": draft.jurisdiction, "year": draft.year},
                code="plan_exists",
            )
        )
    pending = draft.proposals.filter(decision=Proposal.Decision.PENDING).count()
    if pending and not include_pending:
        problems.append(
            ValidationError(
                _("还有 %(count)s 条建议未决定（采纳或舍弃）。") % {"count": pending},
                code="pending",
            )
        )
    if problems:
        raise ValidationError(problems)


def _create_contents(plan, draft, accepted):
    """Write the areas, targets (with default stages) and results; the list of problems, each
    naming its proposal, or [] when all is written."""
    errors = []
    areas = {}
    used_areas = {p.area_id for p in accepted if p.category == Proposal.Category.TARGET}
    for proposed in draft.areas.filter(pk__in=used_areas):
        area = TaskArea(
            plan=plan, position=proposed.position, numeral=proposed.numeral, title=proposed.title
        )
        problems = _clean(area, str(proposed))
        if problems:
            raise ValidationError(problems)
        area.save()
        areas[proposed.pk] = area
    per_area = {}
    targets = [p for p in accepted if p.category == Proposal.Category.TARGET]
    for position, proposal in enumerate(targets, start=1):
        area = areas[proposal.area_id]
        per_area[area.position] = per_area.get(area.position, 0) + 1
        target = Target(
            plan=plan,
            area=area,
            code=_target_code(area.position, per_area[area.position]),
            position=position,
            name=proposal.name,
            kind=proposal.kind,
            direction=proposal.direction,
            measure_unit=proposal.measure_unit,
            target_value=None if proposal.kind == Target.Kind.GROWTH else proposal.value,
            target_growth_pct=proposal.growth_pct if proposal.kind == Target.Kind.GROWTH else None,
            baseline_value=proposal.baseline_value,
            quota_period=proposal.quota_period if proposal.kind == Target.Kind.QUOTA else "",
            source_text=proposal.source_text,
        )
        problems = _clean(target, str(proposal))
        errors += problems
        if problems:
            continue
        target.save()
        if target.kind == Target.Kind.MILESTONE:
            Milestone.objects.bulk_create(
                Milestone(target=target, position=n, name=name)
                for n, name in enumerate(DEFAULT_STAGES, start=1)
            )
    names = set()
    results = [p for p in accepted if p.category == Proposal.Category.RESULT]
    for position, proposal in enumerate(results, start=1):
        result = PreviousYearResult(
            plan=plan,
            section=proposal.section,
            position=position,
            name=_unique_name(proposal, names),
            value=proposal.value,
            qualifier=proposal.qualifier,
            measure_unit=proposal.measure_unit,
            growth_pct=proposal.growth_pct,
            source_text=proposal.source_text,
        )
        problems = _clean(result, str(proposal))
        errors += problems
        if not problems:
            result.save()
    return errors


def _target_code(area_position, number):
    """The codes the 2022 fixture uses: M1… for the main targets, A3-05 for area （三）'s 5th."""
    return f"M{number}" if area_position == 0 else f"A{area_position}-{number:02d}"


def _unique_name(proposal, names):
    """Two results may read alike ("办结" 15件, "办结" 168件); a result's name is unique within its
    plan, so a repeated name gets its unit, then its position, added."""
    name = proposal.name
    for candidate in (name, f"{name}（{proposal.measure_unit}）", f"{name}（{proposal.position}）"):
        if candidate not in names:
            names.add(candidate)
            return candidate[:200]
    return name


def _clean(instance, label):
    """full_clean() with each message prefixed by what it belongs to; [] when valid."""
    try:
        instance.full_clean()
    except ValidationError as error:
        return [
            ValidationError(f"{label}：{field_messages}", code="invalid_proposal")
            for field_messages in _messages(instance, error)
        ]
    return []


def _messages(instance, error):
    if not hasattr(error, "error_dict"):
        return error.messages
    messages = []
    for field, field_errors in error.error_dict.items():
        label = instance._meta.get_field(field).verbose_name if field != "__all__" else _("整体")
        messages += [f"{label}：{message}" for e in field_errors for message in e.messages]
    return messages
