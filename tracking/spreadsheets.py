"""Reading uploaded spreadsheets safely, and writing exports that cannot run as formulas.

Reading (``read_rows``) knows nothing of targets: it checks the file's size, type and shape,
refuses hostile files before parsing them, and hands back the sheet's rows numbered as the
spreadsheet shows them, so that every message can say "第12行". Finding the header row under a
title, dropping blank and totals rows is ``locate_table``'s job.

- XLSX: the archive's declared member sizes are checked before anything is decompressed
  (Python's zipfile never inflates a member beyond its declared size, so the check holds for
  lying archives too); openpyxl parses the XML through defusedxml (installed as a dependency),
  which refuses entity expansion ("billion laughs"). Formulas are never evaluated: a formula
  in a cell the import reads is refused, with its row and column.
- CSV: UTF-8 with or without BOM, or GB18030 (a superset of GBK, what Chinese Excel writes).
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

from tracking import cells

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the pre-2007 .xls format
# An XLSX this small needs at most this many archive members; more means a crafted file.
_MAX_ARCHIVE_MEMBERS = 500
# Rows above the header the importer looks through for it (titles, dates, "单位：万元").
HEADER_SEARCH_ROWS = 20
TOTALS_WORDS = ("合计", "总计", "小计")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


class SpreadsheetError(ValueError):
    """The file as a whole cannot be read; the message says why, in Chinese."""


class Formula(str):
    """A cell holding a formula rather than a value; refused if the import reads that cell."""


class SheetRows(list):
    """The sheet's rows as (row number as the spreadsheet shows it, [cell values])."""


def check_size(size):
    limit = settings.IMPORT_MAX_FILE_BYTES
    if size > limit:
        raise SpreadsheetError(
            _("文件大小为%(size)s，超过了%(limit)s的上限。请拆分后分批导入。")
            % {"size": _megabytes(size), "limit": _megabytes(limit)}
        )


def read_rows(data):
    """All rows of an XLSX (its first sheet) or CSV file given as bytes."""
    check_size(len(data))
    if data.startswith(_ZIP_MAGIC):
        return _read_xlsx(data)
    if data.startswith(_OLE_MAGIC):
        raise SpreadsheetError(_("不支持旧版 .xls 格式，请在 Excel 或 WPS 中另存为 .xlsx 或 CSV。"))
    return _read_csv(data)


def _read_xlsx(data):
    import openpyxl

    _check_archive(data)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:
        raise _unreadable(error) from None
    try:
        sheet = book.worksheets[0]
        # The stored dimension can claim a million rows; read what is really there.
        sheet.reset_dimensions()
        rows = SheetRows()
        scanned = sheet.iter_rows(max_row=_scan_limit() + 1, max_col=settings.IMPORT_MAX_COLUMNS)
        for number, row in enumerate(scanned, start=1):
            _count_row(rows, number)
            values = [_xlsx_value(cell) if cell.value is not None else None for cell in row]
            while values and values[-1] is None:
                values.pop()
            rows.append((number, values))
        return rows
    except SpreadsheetError:
        raise
    except Exception as error:
        raise _unreadable(error) from None
    finally:
        book.close()


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
            _count_row(rows, number)
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
    """Rows read at most, blank ones included: the data rows plus room for titles and gaps."""
    return settings.IMPORT_MAX_ROWS + settings.IMPORT_MAX_ROWS // 10 + HEADER_SEARCH_ROWS


def _count_row(rows, number):
    if number > _scan_limit():
        raise SpreadsheetError(
            _("文件超过%(limit)s行的上限，请拆分后分批导入。") % {"limit": settings.IMPORT_MAX_ROWS}
        )


def _megabytes(size):
    return f"{size / 1024 / 1024:.1f} MB"


class Table:
    """The data part of a sheet: the header row, the data rows, the rows left out and why."""

    def __init__(self, header_number, headers, rows, skipped):
        self.header_number = header_number
        self.headers = headers
        self.rows = rows
        self.skipped = skipped


def locate_table(sheet_rows, is_header):
    """The table under the first row that ``is_header(values)`` accepts.

    Blank rows and totals rows (合计, 总计, 小计) after it are left out; the data rows keep
    their numbers in the sheet.
    """
    for number, values in sheet_rows[:HEADER_SEARCH_ROWS]:
        if is_header(values):
            header_number, headers = number, values
            break
    else:
        raise SpreadsheetError(
            _("在文件前%(rows)s行中没有找到表头。请使用下载的模板，或检查列名是否正确。")
            % {"rows": HEADER_SEARCH_ROWS}
        )
    rows, skipped = [], []
    data_rows = 0
    for number, values in sheet_rows:
        if number <= header_number or _is_blank(values):
            continue
        if _is_totals(values):
            skipped.append((number, _("合计行，已跳过")))
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
    return Table(header_number, headers, rows, skipped)


def _is_blank(values):
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in values)


def _is_totals(values):
    first_text = next((cells.fold(v) for v in values if v is not None and cells.fold(v)), "")
    return first_text.replace(" ", "").startswith(TOTALS_WORDS)


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
