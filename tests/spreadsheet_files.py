"""Small XLSX and CSV files built in the tests, shaped like statistics offices' real files."""

import csv
import io
import zipfile

from openpyxl import Workbook


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
