"""The supervision report as a Word document (to edit and send) and as an XLSX workbook.

Both are written from a tracking.office.supervision.SupervisionReport, the same object the page
shows.
Every text cell of the workbook goes through spreadsheets.escape_formula.
"""

import io

import docx
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from tracking.rules import decomposition
from tracking.rules.choices import Status
from tracking.spreadsheets import escape_formula


def _title(report):
    return _("%(plan)s目标任务督查通报") % {"plan": report.plan.title}


def _status_headers():
    return [str(status.label) for status in Status]


def _group_row(group):
    row = [group.label, group.total]
    for _status, count, pct in group.counts:
        row.append(f"{count}（{pct}%）")
    return row


def _line_row(line):
    target = line.target
    return [
        target.code,
        target.name,
        str(target.area),
        line.unit_name,
        str(line.assessment.status.label),
        "" if line.assessment.progress_pct is None else f"{line.assessment.progress_pct}%",
        line.reason,
    ]


def _line_headers():
    return [
        _("编号"),
        _("目标任务"),
        _("任务领域"),
        _("牵头单位"),
        _("状态"),
        _("完成进度"),
        _("未达进度原因"),
    ]


def _sections(report):
    """(heading, header row, rows) of every table, in the order the document reads."""
    group_headers = [_("分组"), _("任务数"), *_status_headers()]
    return [
        (_("一、总体情况"), group_headers, [_group_row(report.overall)]),
        (_("二、按任务领域"), group_headers, [_group_row(g) for g in report.by_area]),
        (_("三、按牵头单位"), group_headers, [_group_row(g) for g in report.by_unit]),
        (
            _("四、进度滞后及存在风险的任务"),
            _line_headers(),
            [_line_row(line) for line in report.lagging],
        ),
        (_("五、逾期未完成的任务"), _line_headers(), [_line_row(line) for line in report.overdue]),
        (
            _("六、提前完成的任务"),
            [_("编号"), _("目标任务"), _("牵头单位"), _("完成日期"), _("完成期限")],
            [
                [
                    line.target.code,
                    line.target.name,
                    line.unit_name,
                    f"{line.assessment.as_of:%Y-%m-%d}",
                    f"{line.target.deadline:%Y-%m-%d}",
                ]
                for line in report.completed_early
            ],
        ),
        (
            _("七、分解任务推进情况"),
            [
                _("编号"),
                _("目标任务 / 分解任务"),
                _("牵头单位"),
                _("分管领导"),
                _("节点（已完成/已到期/全部）"),
                _("分解进度"),
            ],
            _decomposition_rows(report),
        ),
    ]


def _decomposition_rows(report):
    """Each decomposed target with its derived progress, then its sub-tasks."""
    rows = []
    for line in report.decomposed:
        derived = line.derived
        rows.append(
            [
                line.target.code,
                line.target.name,
                line.unit_name,
                "",
                "",
                f"{derived.progress_pct}%（{derived.status.label}）",
            ]
        )
        for subtask in line.target.subtasks.all():
            done, due, total = decomposition.subtask_progress(subtask, report.on)
            rows.append(
                [
                    f"{line.target.code}-{subtask.position}",
                    subtask.name,
                    subtask.responsible_unit.name if subtask.responsible_unit else "",
                    subtask.leader_in_charge,
                    f"{done}/{due}/{total}",
                    "",
                ]
            )
    return rows


def to_docx(report):
    """A Word document: title, the summary sentence, then one table per section."""
    document = docx.Document()
    document.add_heading(_title(report), level=1)
    document.add_paragraph(report.summary)
    for heading, headers, rows in _sections(report):
        document.add_heading(heading, level=2)
        if not rows:
            document.add_paragraph(_("无。"))
            continue
        table = document.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, headers, strict=True):
            cell.text = str(text)
        for row in rows:
            for cell, value in zip(table.add_row().cells, row, strict=True):
                cell.text = str(value)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def to_xlsx(report):
    """A workbook: the summary sheet, then one sheet per section."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("说明")
    sheet.append([escape_formula(_title(report))])
    sheet.append([escape_formula(report.summary)])
    sheet["A1"].font = Font(bold=True)
    for heading, headers, rows in _sections(report):
        sheet = book.create_sheet(heading.split("、", 1)[-1][:31])
        sheet.append([escape_formula(str(text)) for text in headers])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([escape_formula(value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
