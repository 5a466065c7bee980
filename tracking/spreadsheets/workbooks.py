"""XLSX workbooks the site hands out: import templates and the per-plan progress report.

Every text cell goes through ``spreadsheets.escape_formula``, so no name or note typed into
the site can become a formula in someone's Excel.
"""

import io
import re

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from tracking.models import PreviousYearResult, Target
from tracking.rules import figures, units
from tracking.spreadsheets import escape_formula

_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
BOLD = Font(bold=True)

# One example row per resource, labelled as an example so nobody imports it by mistake.
_EXAMPLES = {
    "ProgressRecordResource": {
        "截至日期": "2022-03-31",
        "累计实际值": "1.4亿元",
        "情况说明": "（示例行，导入前请删除）",
    },
    "TargetResource": {
        "编号": "A1-01",
        "顺序": 1,
        "目标名称": "（示例行，导入前请删除）引进企业",
        "类型": str(Target.Kind.AMOUNT.label),
        "方向": str(Target.Direction.INCREASE.label),
        "计量单位": "家",
        "目标值": 5,
        "报告原文": "引入企业5家",
    },
    "PreviousYearResultResource": {
        "报告段落": "一、2021年工作回顾",
        "顺序": 1,
        "指标名称": "（示例行，导入前请删除）地区生产总值",
        "数值": 17.1,
        "计量单位": "亿元",
        "同比增长（%）": "8.5%",
        "报告原文": "全镇地区生产总值17.1亿元，增长8.5%",
    },
}


def _save(book):
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _append(sheet, values):
    sheet.append([escape_formula(value) for value in values])


def _sheet_title(title, taken):
    """An Excel sheet name: at most 31 characters, none of []:*?/\\, unique in the book."""
    base = _SHEET_NAME_FORBIDDEN.sub("", title)[:31] or _("工作表")
    name, n = base, 2
    while name in taken:
        suffix = f"({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name)
    return name


def import_template(resource_class, plan):
    """A workbook to fill in: the header, an example row, and the values the columns accept."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("导入数据")
    headers = list(resource_class.import_columns)
    _append(sheet, headers)
    for cell in sheet[1]:
        cell.font = BOLD
    example = _EXAMPLES.get(resource_class.__name__, {})
    if plan is not None and resource_class.__name__ == "ProgressRecordResource":
        first = Target.objects.for_plan(plan).in_report_order().select_related("area").first()
        if first is not None:
            example = {
                "目标编号": first.code,
                "任务领域": str(first.area),
                "目标名称": first.name,
                "计量单位": first.measure_unit,
                **example,
            }
    if plan is not None and resource_class.__name__ == "TargetResource":
        area = plan.areas.first()
        example = {"任务领域": str(area) if area else "", **example}
    _append(sheet, [example.get(header, "") for header in headers])

    lists = book.create_sheet(_("可选值"))
    columns = _valid_values(resource_class, plan)
    _append(lists, list(columns))
    for cell in lists[1]:
        cell.font = BOLD
    longest = max((len(values) for values in columns.values()), default=0)
    for index in range(longest):
        _append(
            lists, [values[index] if index < len(values) else "" for values in columns.values()]
        )

    notes = book.create_sheet(_("说明"))
    for line in (
        _("第一行是表头，请勿修改列名；第二行是示例，导入前请删除。"),
        _(
            "计量单位：数值后可以直接写单位（如“1.4亿元”），或在列名中写（如“累计实际值（万元）”），"
            "系统换算为目标的计量单位；无法换算的单位会被拒绝。"
        ),
        _("日期可写作 2022-03-31、2022/3/31、2022年3月（即月末）或 2022-03。"),
        _("目标按“目标编号”查找；没有编号时按“任务领域”和“目标名称”查找。"),
        _("单元格中的公式不会被计算：请先“选择性粘贴为数值”。"),
    ):
        _append(notes, [line])
    return _save(book)


def _valid_values(resource_class, plan):
    areas = [str(a) for a in plan.areas.all()] if plan else []
    measure_units = sorted({"%", *units.known_units()} - {"km", "m", "m2", "ha", "％", "㎡"})
    if resource_class.__name__ == "TargetResource":
        unit_names = list(plan.jurisdiction.units.values_list("name", flat=True)) if plan else []
        return {
            _("任务领域"): areas,
            _("类型"): [str(label) for label in Target.Kind.labels],
            _("方向"): [str(label) for label in Target.Direction.labels],
            _("定额周期"): [str(label) for label in Target.Period.labels],
            _("责任单位"): unit_names,
            _("可换算的计量单位"): measure_units,
        }
    if resource_class.__name__ == "PreviousYearResultResource":
        return {
            _("数值限定"): [str(label) for label in PreviousYearResult.Qualifier.labels],
            _("可换算的计量单位"): measure_units,
        }
    targets = (
        list(Target.objects.for_plan(plan).in_report_order().select_related("area")) if plan else []
    )
    return {
        _("目标编号"): [t.code for t in targets],
        _("目标名称"): [t.name for t in targets],
        _("任务领域"): [str(t.area) for t in targets],
        _("计量单位"): [t.measure_unit for t in targets],
        _("可换算的计量单位"): measure_units,
    }


REPORT_HEADERS = (
    "编号", "目标任务", "计量单位", "基数", "目标", "截至日期", "累计完成", "完成进度（%）",
    "状态", "情况说明",
)  # fmt: skip


def progress_report(plan, targets, on=None):
    """The county's layout: one sheet per task area, one row per target, published data only.

    ``targets`` come from ``Target.objects.for_plan(plan).with_progress()`` (possibly filtered
    to one area); status and progress are ``Target.assess()``'s, never recomputed here.
    """
    on = on or timezone.localdate()
    book = Workbook()
    book.remove(book.active)
    taken = set()
    by_area = {}
    for target in targets:
        by_area.setdefault(target.area, []).append(target)
    for area, area_targets in by_area.items():
        sheet = book.create_sheet(_sheet_title(str(area), taken))
        title = _("%(plan)s · %(area)s 目标任务完成情况（截至%(on)s）") % {
            "plan": plan.title,
            "area": area,
            "on": date_format(on),
        }
        if settings.DEMO_DATA:
            title = "【演示数据，非真实进度】" + title
        _append(sheet, [title])
        sheet["A1"].font = BOLD
        headers = list(REPORT_HEADERS)
        headers[3] = _("%(year)s年基数") % {"year": plan.review_year}
        _append(sheet, headers)
        for cell in sheet[2]:
            cell.font = BOLD
        for target in area_targets:
            _append(sheet, _report_row(target, target.assess(on)))
    if not by_area:
        _append(book.create_sheet(_("无数据")), [_("该计划还没有目标任务。")])
    return _save(book)


def _report_row(target, assessment):
    records = sorted(target.published_records, key=lambda r: r.as_of)
    latest = next((r for r in reversed(records) if r.as_of <= assessment.on), None)
    if target.kind == Target.Kind.GROWTH:
        goal = _("增长%(pct)s%%") % {"pct": figures.plain(target.target_growth_pct)}
    else:
        goal = target.target_value
    return [
        target.code,
        target.name,
        target.measure_unit,
        target.baseline_value,
        goal,
        latest.as_of if latest else None,
        _actual(target, latest),
        assessment.progress_pct,
        str(assessment.status.label),
        latest.note if latest else "",
    ]


def _actual(target, record):
    if record is None:
        return None
    if target.kind == Target.Kind.GROWTH and record.growth_pct is not None:
        return _("增长%(pct)s%%") % {"pct": figures.plain(record.growth_pct)}
    if target.kind == Target.Kind.MILESTONE and record.milestone_id:
        return str(record.milestone)
    return record.value
