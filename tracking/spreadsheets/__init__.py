"""Reading uploaded spreadsheets safely, and writing exports that cannot run as formulas.

Reading (``read_rows``) knows nothing of targets: it checks the file's size, type and shape,
refuses hostile files before parsing them, and hands back the sheet's non-blank rows numbered as
the spreadsheet shows them, so that every message can say "第12行". Finding the header (one row,
or a group heading over sub-columns), and leaving out totals, footer, note and section rows is
``locate_table``'s job.

- XLSX: the archive's declared member sizes are checked before anything is decompressed
  (Python's zipfile never inflates a member beyond its declared size, so the check holds for
  lying archives too); openpyxl parses the XML through defusedxml (installed as a dependency),
  which refuses entity expansion ("billion laughs"). Formulas are never evaluated: a formula
  in a cell the import reads is refused, with its row and column. The sheet read is the one
  the workbook opens on (its active sheet) unless that one is hidden; merged cells give their
  value to every cell they cover, as the clerk sees it on screen.
- CSV: UTF-8 with or without BOM, or GB18030 (a superset of GBK, what Chinese Excel writes).
- Encrypted workbooks, real .xls files and web pages saved with an .xls name are each refused
  with what they are and how to save them as XLSX.
"""

import csv
import io
import re
import zipfile
from decimal import Decimal

import tablib
from defusedxml import DefusedXmlException
from django.conf import settings
from django.utils.translation import gettext as _
from import_export.formats import base_formats
from openpyxl.utils.cell import range_boundaries

from tracking.rules import units
from tracking.spreadsheets import cells

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # a compound file: the pre-2007 .xls, or an encrypted XLSX
# An encrypted XLSX is a compound file holding these streams (their names are UTF-16 in the
# file's directory), instead of the zip archive.
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
# Excel and WPS save a web page as "xxx.xls" when asked for "Excel 网页" or when a site's
# "export to Excel" really sends HTML.
_HTML_START = re.compile(rb"^\s*(<!doctype html|<html|<table|<\?xml[^>]*>\s*<html)", re.IGNORECASE)
# "XML 表格" (Excel 2003's SpreadsheetML), which WPS and Excel also save under an .xls name.
_SPREADSHEET_ML = b"urn:schemas-microsoft-com:office:spreadsheet"
_MERGED = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*?ref="([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)"')
# An XLSX this small needs at most this many archive members; more means a crafted file.
_MAX_ARCHIVE_MEMBERS = 500
# Excel's own limit: no sheet has more rows, styled empty ones included.
_SHEET_MAX_ROWS = 1_048_576
# Non-blank rows above the header the importer looks through for it (titles, "单位：万元").
HEADER_SEARCH_ROWS = 20
TOTALS_WORDS = ("合计", "总计", "小计")
# Rows under a table that are not data: who filled it in, who checked it, notes.
FOOTER_WORDS = ("填表人", "填报人", "制表人", "审核人", "负责人", "联系人", "联系电话", "填表日期",
                "填报日期", "制表日期", "说明", "备注", "注")  # fmt: skip
_FOOTER = re.compile(r"^(" + "|".join(FOOTER_WORDS) + r")\s*([:：]|$|[0-9]+[.、:：])")
# A section heading: "一、主要目标", "（二）产业发展", "第三部分".
_SECTION = re.compile(
    r"^([(（]?[一二三四五六七八九十]+[)）、.．]|第[一二三四五六七八九十0-9]+[部分章节类项])"
)
# "单位：万元" written once above the table, for every figure that names no unit of its own.
_SHEET_UNIT = re.compile(r"^单位:(?P<unit>.+)$")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


class SpreadsheetError(ValueError):
    """The file as a whole cannot be read; the message says why, in Chinese."""


class Formula(str):
    """A cell holding a formula rather than a value; refused if the import reads that cell."""


class SheetRows(list):
    """A sheet's non-blank rows as (row number as the spreadsheet shows it, [cell values]).

    ``sheet_name`` is the sheet read ("" for CSV); ``other_sheets`` the workbook's other
    sheets, which ``read_sheet(name)`` reads when the header is not on this one.
    """

    sheet_name = ""
    other_sheets = ()

    def read_sheet(self, name):
        return SheetRows()  # replaced by the XLSX reader; a CSV has no other sheets


def check_size(size):
    limit = settings.IMPORT_MAX_FILE_BYTES
    if size > limit:
        raise SpreadsheetError(
            _("文件大小为%(size)s，超过了%(limit)s的上限。请拆分后分批导入。")
            % {"size": _megabytes(size), "limit": _megabytes(limit)}
        )


def read_rows(data):
    """The non-blank rows of an XLSX (the sheet it opens on) or CSV file given as bytes."""
    check_size(len(data))
    if data.startswith(_ZIP_MAGIC):
        return _read_xlsx(data)
    if data.startswith(_OLE_MAGIC):
        if _ENCRYPTED_STREAM in data:
            raise SpreadsheetError(
                _(
                    "该工作簿设置了打开密码（已加密），无法读取。"
                    "请在 Excel 或 WPS 中取消密码后另存为 .xlsx 再导入。"
                )
            )
        raise SpreadsheetError(_("不支持旧版 .xls 格式，请在 Excel 或 WPS 中另存为 .xlsx 或 CSV。"))
    head = data[:2048].lstrip(b"\xef\xbb\xbf")
    if head.lstrip().startswith(b"<?xml") and _SPREADSHEET_ML in head:
        raise SpreadsheetError(
            _(
                "该文件是 Excel 2003 XML 表格，不是 .xlsx。"
                "请在 Excel 或 WPS 中打开后另存为 .xlsx 再导入。"
            )
        )
    if _HTML_START.match(head):
        raise SpreadsheetError(
            _(
                "该文件是网页（HTML）表格，只是扩展名为 .xls。"
                "请在 Excel 或 WPS 中打开后另存为 .xlsx 再导入。"
            )
        )
    return _read_csv(data)


def _read_xlsx(data, sheet_name=None):
    import openpyxl

    _check_archive(data)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:
        raise _unreadable(error) from None
    try:
        sheet = book[sheet_name] if sheet_name else _sheet_to_read(book)
        # The stored dimension can claim a million rows; read what is really there.
        sheet.reset_dimensions()
        rows = SheetRows()
        rows.sheet_name = sheet.title
        rows.other_sheets = [name for name in book.sheetnames if name != sheet.title]
        rows.read_sheet = lambda name: _read_xlsx(data, name)
        # Each row as wide as its own last cell, then cut to the columns read: asking openpyxl
        # for max_col would pad every row to that width, and checking the padding cost a sixth
        # of reading a 10,000-row sheet (bench/import_bench.py).
        columns = settings.IMPORT_MAX_COLUMNS
        for number, row in enumerate(sheet.iter_rows(max_row=_SHEET_MAX_ROWS), start=1):
            values = [
                _xlsx_value(cell) if cell.value is not None else None for cell in row[:columns]
            ]
            while values and _is_blank_cell(values[-1]):
                values.pop()
            # Styled but empty rows are not rows of the table: they neither count nor show.
            if values:
                _count_row(rows)
                rows.append((number, values))
        _fill_merged_cells(rows, _merged_ranges(book, sheet))
        return rows
    except SpreadsheetError:
        raise
    except Exception as error:
        raise _unreadable(error) from None
    finally:
        book.close()


def _sheet_to_read(book):
    """The sheet the workbook opens on; the first visible one if that one is hidden."""
    if book.active is not None and book.active.sheet_state == "visible":
        return book.active
    visible = [sheet for sheet in book.worksheets if sheet.sheet_state == "visible"]
    return (visible or book.worksheets)[0]


def _merged_ranges(book, sheet):
    """(first column, first row, last column, last row) of each merged area of ``sheet``.

    openpyxl's read-only mode skips them, so they are read from the end of the sheet's XML.
    """
    xml = book._archive.read(sheet._worksheet_path)
    return [range_boundaries(ref.decode()) for ref in _MERGED.findall(xml)]


def _fill_merged_cells(rows, ranges):
    """Give each cell of a merged area the area's value, in the rows that hold data.

    A row whose only content is a merged area started above it is left out (it is blank on
    its own), as is a row below the data that a merged area would otherwise bring in.
    """
    if not ranges:
        return
    by_number = {number: values for number, values in rows}
    for first_col, first_row, last_col, last_row in ranges:
        source = by_number.get(first_row)
        if source is None or len(source) < first_col:
            continue
        value = source[first_col - 1]
        for number in range(first_row, last_row + 1):
            values = by_number.get(number)
            if values is None:
                continue
            if len(values) < last_col:
                values.extend([None] * (last_col - len(values)))
            for col in range(first_col - 1, last_col):
                values[col] = value


def _unreadable(error):
    """The message for an XLSX openpyxl cannot read; defusedxml's refusals are named."""
    cause = error
    while cause is not None:
        if isinstance(cause, DefusedXmlException):
            return SpreadsheetError(_("XLSX 文件含有不安全的 XML 内容（实体定义等），已拒绝读取。"))
        cause = cause.__cause__ or cause.__context__
    return SpreadsheetError(
        _("无法读取该 XLSX 文件（%(reason)s），请确认文件未损坏。")
        % {"reason": type(error).__name__}
    )


def _check_archive(data):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise SpreadsheetError(_("文件不是有效的 XLSX 文件。")) from None
    with archive:
        members = archive.infolist()
        names = {member.filename for member in members}
        if "xl/workbook.xml" not in names:
            raise SpreadsheetError(_("文件不是有效的 XLSX 文件（缺少工作簿）。"))
        unpacked = sum(member.file_size for member in members)
        if len(members) > _MAX_ARCHIVE_MEMBERS or unpacked > settings.IMPORT_MAX_UNPACKED_BYTES:
            raise SpreadsheetError(
                _("XLSX 文件解压后过大（%(size)s，上限%(limit)s），已拒绝读取。")
                % {
                    "size": _megabytes(unpacked),
                    "limit": _megabytes(settings.IMPORT_MAX_UNPACKED_BYTES),
                }
            )


def _xlsx_value(cell):
    value = cell.value
    data_type = cell.data_type
    if data_type == "f":
        return Formula(value)
    # A number shown as a percentage is stored as a fraction: 10.6% is 0.106.
    if data_type == "n" and "%" in (cell.number_format or ""):
        return f"{(Decimal(repr(value)) * 100).normalize():f}%"
    return value


def _read_csv(data):
    text = _decode(data)
    head = text[:4096]
    # Excel's "Unicode text" export is tab-separated; everything else here uses commas.
    delimiter = "\t" if head.count("\t") > head.count(",") else ","
    rows = SheetRows()
    try:
        for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
            if not _is_blank(row):
                _count_row(rows)
                rows.append((number, row[: settings.IMPORT_MAX_COLUMNS]))
    except csv.Error as error:
        raise SpreadsheetError(_("CSV 文件格式有误：%(reason)s") % {"reason": error}) from None
    return rows


def _decode(data):
    encodings = ["utf-8-sig"] if data.startswith(b"\xef\xbb\xbf") else ["utf-8", "gb18030"]
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SpreadsheetError(
        _("无法识别文件的文字编码。请将 CSV 保存为 UTF-8 或 GBK（GB18030）编码。")
    )


def _scan_limit():
    """Non-blank rows read at most: the data rows plus room for titles, notes and totals."""
    return settings.IMPORT_MAX_ROWS + settings.IMPORT_MAX_ROWS // 10 + HEADER_SEARCH_ROWS


def _count_row(rows):
    if len(rows) >= _scan_limit():
        raise SpreadsheetError(
            _("文件超过%(limit)s行的上限，请拆分后分批导入。") % {"limit": settings.IMPORT_MAX_ROWS}
        )


def _megabytes(size):
    return f"{size / 1024 / 1024:.1f} MB"


class Table:
    """The data part of a sheet: the header, the data rows, the rows left out and why.

    ``header_numbers`` are the sheet rows the header was read from (two for a group heading
    over sub-columns); ``headers`` one text per column to match, ``titles`` the same as the
    clerk wrote it ("本年累计/实际值（万元）"); ``sheet_unit`` a unit stated above the
    header ("单位：万元"), "" when none.
    """

    def __init__(self, sheet_name, header_numbers, headers, titles, rows, skipped, sheet_unit):
        self.sheet_name = sheet_name
        self.sheet_unit = sheet_unit
        self.header_numbers = header_numbers
        self.headers = headers
        self.titles = titles
        self.rows = rows
        self.skipped = skipped


def locate_table(sheet_rows, known):
    """The table under the first row holding at least two headers that ``known(text)`` accepts.

    A group heading over sub-columns ("本年累计" over "实际值（万元）" and "增速（%）") is
    combined with the row under or above it when that names more known columns. Blank, totals
    (合计, 总计, 小计), footer (填表人, 审核人, 说明, 备注) and section-heading rows after it are
    left out and listed; the data rows keep their numbers in the sheet.
    """
    found = _find_header(sheet_rows, known)
    if found is None:
        raise SpreadsheetError(_header_not_found(sheet_rows, known))
    header_numbers, headers, titles = found
    rows, skipped = [], []
    data_rows = 0
    for number, values in sheet_rows:
        if number <= header_numbers[-1] or _is_blank(values):
            continue
        reason = _not_data(values)
        if reason:
            skipped.append((number, reason))
            continue
        data_rows += 1
        if data_rows > settings.IMPORT_MAX_ROWS:
            raise SpreadsheetError(
                _("文件超过%(limit)s行的上限，请拆分后分批导入。")
                % {"limit": settings.IMPORT_MAX_ROWS}
            )
        rows.append((number, values))
    if not rows:
        raise SpreadsheetError(_("表头下面没有数据行。"))
    sheet_unit = _sheet_unit(sheet_rows, header_numbers[0])
    return Table(sheet_rows.sheet_name, header_numbers, headers, titles, rows, skipped, sheet_unit)


def _sheet_unit(sheet_rows, header_number):
    """The unit a row above the header states for the whole table ("单位：万元")."""
    for number, values in sheet_rows:
        if number >= header_number:
            break
        for value in values:
            match = _SHEET_UNIT.match(cells.fold(cells.header_text(value)))
            if match and units.is_known(match["unit"]):
                return units.normalize(match["unit"])
    return ""


def _find_header(sheet_rows, known):
    """((header row numbers), headers to match, titles), or None when no row is a header."""
    searched = sheet_rows[:HEADER_SEARCH_ROWS]
    for index, (number, values) in enumerate(searched):
        headers = [cells.header_text(value) for value in values]
        score = _known_count(headers, known)
        if score < 2:
            continue
        best = ((number,), headers, headers, score)
        neighbours = []
        if index > 0 and searched[index - 1][0] == number - 1:
            neighbours.append((searched[index - 1], (number, values)))
        if index + 1 < len(sheet_rows) and sheet_rows[index + 1][0] == number + 1:
            neighbours.append(((number, values), sheet_rows[index + 1]))
        for (top_number, top), (bottom_number, bottom) in neighbours:
            if not (_could_be_sub_headers(top) and _could_be_sub_headers(bottom)):
                continue
            combined, titles = _combine_headers(top, bottom, known)
            combined_score = _known_count(combined, known)
            if combined_score > best[3]:
                best = ((top_number, bottom_number), combined, titles, combined_score)
        return best[:3]
    return None


def _known_count(headers, known):
    return sum(1 for header in headers if header and known(header))


def _could_be_sub_headers(values):
    """Sub-column names are text; a row with a number or a date in it is data."""
    return all(
        isinstance(value, str) and not isinstance(value, Formula) and not _reads_as_figure(value)
        for value in values
        if not _is_blank_cell(value)
    )


def _reads_as_figure(text):
    for parse in (cells.parse_number, cells.parse_date):
        try:
            if parse(text) is not None:
                return True
        except ValueError:
            continue
    return False


def _combine_headers(top, bottom, known):
    """One header per column from a group heading row over a sub-column row.

    A group heading covers the blank cells to its right (a merged cell has been filled
    already). Per column, the first known of: heading + sub-column, sub-column, heading;
    and the title "heading/sub-column" the preview shows.
    """
    width = max(len(top), len(bottom))
    top = [cells.header_text(v) for v in top] + [""] * (width - len(top))
    bottom = [cells.header_text(v) for v in bottom] + [""] * (width - len(bottom))
    combined, titles = [], []
    heading = ""
    for upper, lower in zip(top, bottom, strict=True):
        if upper:
            heading = upper
        elif lower:
            upper = heading
        if not lower or upper == lower or not upper:
            combined.append(upper or lower)
            titles.append(upper or lower)
            continue
        titles.append(f"{upper}/{lower}")
        (upper_label, upper_unit), (lower_label, lower_unit) = (
            cells.split_header(upper),
            cells.split_header(lower),
        )
        unit = lower_unit or upper_unit
        suffix = f"({unit})" if unit else ""
        candidates = [upper_label + lower_label + suffix, lower_label + suffix, upper]
        combined.append(next((c for c in candidates if known(c)), candidates[0]))
    return combined, titles


def _header_not_found(sheet_rows, known):
    searched = [sheet_rows.sheet_name, *sheet_rows.other_sheets]
    if not sheet_rows.sheet_name:
        return _("在文件前%(rows)s行中没有找到表头。请使用下载的模板，或检查列名是否正确。") % {
            "rows": HEADER_SEARCH_ROWS
        }
    for name in sheet_rows.other_sheets:
        try:
            other = sheet_rows.read_sheet(name)
        except SpreadsheetError:
            continue
        if _find_header(other, known) is not None:
            return _(
                "在工作表“%(searched)s”的前%(rows)s行中没有找到表头；工作表“%(found)s”中有表头。"
                "请在 Excel 或 WPS 中切换到工作表“%(found)s”后保存，再导入。"
            ) % {"searched": sheet_rows.sheet_name, "rows": HEADER_SEARCH_ROWS, "found": name}
    return _(
        "在工作表%(sheets)s的前%(rows)s行中没有找到表头。请使用下载的模板，或检查列名是否正确。"
    ) % {
        "sheets": "、".join(f"“{name}”" for name in searched),
        "rows": HEADER_SEARCH_ROWS,
    }


def _is_blank_cell(value):
    return value is None or (isinstance(value, str) and not value.strip(cells.BLANK_CHARACTERS))


def _is_blank(values):
    return all(_is_blank_cell(value) for value in values)


def _not_data(values):
    """Why a row under the header is not a data row, or "" when it is one."""
    first = next(value for value in values if not _is_blank_cell(value))
    if not isinstance(first, str):
        return ""
    first = cells.header_text(first)
    if first.startswith(TOTALS_WORDS):
        return _("合计行，已跳过")
    if _FOOTER.match(first):
        return _("表尾或备注行，已跳过")
    if _SECTION.match(first) and {
        cells.header_text(value) for value in values if not _is_blank_cell(value)
    } == {first}:
        return _("分节标题行，已跳过")
    return ""


def escape_formula(value):
    """A text cell that a spreadsheet would run as a formula, made inert with a leading "'".

    A plain number such as "-2.5" is left alone: it cannot be a formula, and it must re-import.
    """
    if (
        isinstance(value, str)
        and value.startswith(cells.FORMULA_STARTS)
        and not _PLAIN_NUMBER.match(value)
    ):
        return "'" + value
    return value


def escaped(dataset):
    """A copy of a tablib Dataset with every formula-like text cell escaped."""
    safe = tablib.Dataset(headers=[escape_formula(h) for h in dataset.headers or []])
    safe.title = dataset.title
    for row in dataset:
        safe.append([escape_formula(value) for value in row])
    return safe


class SafeXLSX(base_formats.XLSX):
    """XLSX read by ``read_rows`` and written with formula-like cells escaped."""

    def create_dataset(self, in_stream):
        return read_rows(in_stream)

    def export_data(self, dataset, **kwargs):
        return super().export_data(escaped(dataset), **kwargs)


class SafeCSV(base_formats.CSV):
    """CSV handled as bytes, so that GBK files reach ``read_rows`` undamaged."""

    def create_dataset(self, in_stream):
        return read_rows(in_stream)

    def export_data(self, dataset, **kwargs):
        # With a BOM, Chinese Excel opens UTF-8 CSV without garbling it.
        return super().export_data(escaped(dataset), **kwargs).encode("utf-8-sig")

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"
