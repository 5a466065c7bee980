"""Small XLSX and CSV files built in the tests, shaped like statistics offices' real files."""

import csv
import io
import zipfile

from openpyxl import Workbook
from openpyxl.styles import PatternFill


def xlsx(rows, percent_cells=()):
    """An XLSX whose first sheet holds ``rows``; cells listed as (row, column) get a % format."""
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    for row, column in percent_cells:
        sheet.cell(row=row, column=column).number_format = "0.0%"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, encoding="utf-8"):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


def read_member(data, name):
    """One archive member of the XLSX ``data``, to change it with ``with_extra_member``."""
    return zipfile.ZipFile(io.BytesIO(data)).read(name)


def with_extra_member(data, name, content):
    """The XLSX ``data`` with one more archive member (for zip and XML bombs)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            payload = content if item.filename == name else source.read(item.filename)
            target.writestr(item, payload)
        if name not in source.namelist():
            target.writestr(name, content)
    return buffer.getvalue()


def workbook(*sheets, active=0):
    """An XLSX with several sheets, each a dict: ``title``, ``rows``, and optionally ``merged``
    (ranges such as "A1:G1", as WPS and Excel merge titles and areas), ``hidden`` and
    ``styled_rows`` (row numbers given a fill but no value, as whole formatted blocks are)."""
    book = Workbook()
    book.remove(book.active)
    for spec in sheets:
        sheet = book.create_sheet(spec["title"])
        for row in spec["rows"]:
            sheet.append(list(row))
        for cell_range in spec.get("merged", ()):
            sheet.merge_cells(cell_range)
        for number in spec.get("styled_rows", ()):
            for column in range(1, 8):
                sheet.cell(row=number, column=column).fill = PatternFill("solid", fgColor="FFFF00")
        if spec.get("hidden"):
            sheet.sheet_state = "hidden"
    book.active = active
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def encrypted(data):
    """The XLSX ``data`` protected by a password to open, as Excel and WPS save it."""
    from msoffcrypto.format.ooxml import OOXMLFile

    buffer = io.BytesIO()
    OOXMLFile(io.BytesIO(data)).encrypt("test-only", buffer)  # noqa: S106 (a test file's password)
    return buffer.getvalue()


def compound_file(*stream_names):
    """The start of an OLE compound file whose directory names ``stream_names``, as a real
    .xls ("Workbook") has. Only as much of the format as tells it from an encrypted XLSX."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
    directory = b"".join(
        name.encode("utf-16-le").ljust(64, b"\0") + b"\0" * 64 for name in stream_names
    )
    return header + directory
