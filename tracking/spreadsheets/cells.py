"""Reading one spreadsheet cell as statistics offices write it.

Pure functions: a raw cell value in (a str, a number, a date, None), a Python value out, or a
ValueError whose message says in Chinese why the cell cannot be read. The importer adds the row
and column to the message. Blank cells read as None (or "" for text).

Accepted: numbers stored as text, thousands separators (1,234.5), full-width characters (２０２２,
１．４), scientific notation (1.23457E+11), percentages (10.6%), a unit in the column header
(金额（万元）, 金额（单位：万元）, 金额 单位:万元) or in the cell (1.4亿元), placeholders for "no
figure" (—, /, -, 无) in number and date cells, invisible characters (zero-width space, BOM,
no-break space) anywhere in a number, date, name or header,
dates as 2022年3月, 2022年3月31日, 2022-03, 2022/3/31, 2022.3.31, 20220331 or an Excel serial
number (44651). A month without a day means the month's last day: progress "截至2022年3月" is
progress as of 31 March.
"""

import calendar
import datetime
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from tracking.rules import units

# Characters that make a spreadsheet read a cell as a formula; exports prefix them with "'".
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
_NUMBER_AND_UNIT = re.compile(r"^([+-]?[\d,]*\.?\d+(?:[eE][+-]?\d+)?)(.*)$")
# "金额(万元)", "金额(单位:万元)", "金额[万元]", "金额【万元】", "金额单位:万元" (after fold()).
_HEADER_UNIT = re.compile(
    r"^(?P<label>.*?)(?:[(\[【](?:单位:?)?(?P<unit>[^()\[\]【】]*)[)\]】]|[,;/]?单位:(?P<after>.+))$"
)
# Characters nobody sees that WPS, Excel, web pages and chat apps leave in cells.
_INVISIBLE = str.maketrans(dict.fromkeys("\u200b\u200c\u200d\u2060\ufeff\u00ad"))
# What a cell holding nothing but spaces and invisible characters is made of.
BLANK_CHARACTERS = " \t\r\n\u3000\u00a0\u200b\u200c\u200d\u2060\ufeff\u00ad"
# What clerks write in a cell that has no figure.
PLACEHOLDERS = frozenset({"-", "--", "—", "——", "–", "―", "/", "无", "暂无"})
_DATE = re.compile(
    r"^(?P<year>\d{4})\s*[年./-]\s*(?P<month>\d{1,2})\s*"
    r"(?:(?:月|[./-])\s*(?P<day>\d{1,2})\s*日?|月)?"
    r"(?:T\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?$"
)
_COMPACT_DATE = re.compile(r"^(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})$")
# Excel counts days from 30 December 1899 (its 1900 leap-year bug included).
_EXCEL_EPOCH = datetime.date(1899, 12, 30)
# Serial numbers of 1 January 2000 and 31 December 2100: the only dates a plan can use.
_SERIAL_RANGE = (36526, 73415)
# No figure comes near this (a figure holds 12 digits before the point); beyond it a number is a
# typing or file error, and converting it between units would exceed Decimal's precision.
LARGEST_NUMBER = Decimal(10) ** 20


def fold(value):
    """A cell as plain text: full-width forms folded to ASCII, invisible characters removed,
    no-break spaces made spaces, surrounding spaces removed."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value).translate(_INVISIBLE)).strip()
    return text.replace("\u3000", " ")


def header_text(value):
    """A header as written, less its spaces, line breaks and invisible characters."""
    if value is None:
        return ""
    return "".join(str(value).translate(_INVISIBLE).split())


def is_placeholder(value):
    """A "no figure" mark (—, /, -, 无), read as a blank cell in number and date columns."""
    # Placeholders are short: a long cell (every figure with a digit group) is not one.
    return (
        isinstance(value, str) and len(value) < 8 and fold(value).replace(" ", "") in PLACEHOLDERS
    )


def parse_text(value):
    """Free text, with the "'" our exports put before a formula character taken off again."""
    if value is None:
        return ""
    text = str(value).strip()
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_STARTS:
        return text[1:]
    return text


def parse_number(value):
    """A plain number; Decimal, or None when blank or a placeholder."""
    if value is None or value == "" or is_placeholder(value):
        return None
    if isinstance(value, bool):
        raise ValueError(_("“%(value)s”不是数字。") % {"value": value})
    if isinstance(value, int | Decimal):
        return _within_range(Decimal(value), value)
    if isinstance(value, float):
        # repr() gives the shortest decimal that reads back as this float: 0.1, not 0.1000000…
        return _within_range(Decimal(repr(value)), value)
    text = fold(value).replace(" ", "")
    if not text:
        return None
    if "," in text:
        if not _GROUPED.match(text):
            raise ValueError(
                _("“%(value)s”的千位分隔符位置不对，应为每三位一个逗号，如 1,234.5。")
                % {"value": value}
            )
        text = text.replace(",", "")
    if not _NUMBER.match(text):
        raise ValueError(_("“%(value)s”不是数字。") % {"value": value})
    try:
        return _within_range(Decimal(text), value)
    except InvalidOperation:
        raise ValueError(_("“%(value)s”不是数字。") % {"value": value}) from None


def _within_range(number, value):
    """Refuse infinities, NaN and numbers no figure can be (they would not even convert)."""
    if not number.is_finite():
        raise ValueError(_("“%(value)s”不是数字。") % {"value": value})
    if abs(number) >= LARGEST_NUMBER:
        raise ValueError(_("“%(value)s”超出可以记录的数值范围。") % {"value": value})
    return units.tidy(number)


def split_number_and_unit(value):
    """(number, unit written after it) of a cell such as "1.4亿元"; unit "" when none."""
    if value is None or isinstance(value, int | float | Decimal):
        return parse_number(value), ""
    text = fold(value).replace(" ", "")
    if not text or text in PLACEHOLDERS:
        return None, ""
    match = _NUMBER_AND_UNIT.match(text)
    if not match:
        raise ValueError(_("“%(value)s”不是数字。") % {"value": value})
    return parse_number(match.group(1)), units.normalize(match.group(2))


def parse_quantity(value, unit, stated_unit=""):
    """A figure expressed in ``unit`` (the target's unit as printed).

    The unit the figure is given in is, in order: the unit written in the cell, else
    ``stated_unit`` (from the column header or the row's 计量单位 column), else ``unit`` itself.
    A different unit is converted by tracking.rules.units or refused; never taken as is.
    """
    return read_quantity(value, unit, stated_unit)[0]


def read_quantity(value, unit, stated_unit=""):
    """(the figure in ``unit``, the unit it was given in) as ``parse_quantity`` reads it."""
    number, cell_unit = split_number_and_unit(value)
    if number is None:
        return None, ""
    given_in = cell_unit or units.normalize(stated_unit) or units.normalize(unit)
    return units.convert(number, given_in, unit), given_in


def parse_percent(value):
    """A percentage as its number of percent: "10.6%", "10.6" and "１０.６％" all give 10.6."""
    number, unit = split_number_and_unit(value)
    if unit not in ("", "%"):
        raise ValueError(_("“%(value)s”不是百分数。") % {"value": value})
    return number


def parse_date(value):
    """A date from a date cell, an Excel serial number or one of the written forms above."""
    if value is None or value == "" or is_placeholder(value):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return _from_serial(value)
    text = fold(value)
    if not text:
        return None
    # A time of day may follow the date (CSV exports of date-time cells); only it keeps a space.
    text = re.sub(r"\s+(?=\d{1,2}:)", "T", text).replace(" ", "")
    if text.isdigit() and len(text) == 5:
        return _from_serial(int(text))
    match = _DATE.match(text) or _COMPACT_DATE.match(text)
    if not match:
        raise ValueError(
            _("“%(value)s”不是可识别的日期，请写作 2022-03-31、2022/3/31、2022年3月 或 2022-03。")
            % {"value": value}
        )
    year, month = int(match["year"]), int(match["month"])
    if not 1 <= month <= 12:
        raise ValueError(_("“%(value)s”的月份不对。") % {"value": value})
    last_day = calendar.monthrange(year, month)[1]
    day = int(match["day"]) if match["day"] else last_day
    if not 1 <= day <= last_day:
        raise ValueError(_("“%(value)s”的日期不存在。") % {"value": value})
    return datetime.date(year, month, day)


def _from_serial(serial):
    try:
        days = int(serial)  # NaN and infinities have no whole number of days
    except (ValueError, OverflowError):
        days = None
    if days is None or days != serial or not _SERIAL_RANGE[0] <= days <= _SERIAL_RANGE[1]:
        raise ValueError(
            _("“%(value)s”不是2000至2100年间的日期（Excel 日期序号）。") % {"value": serial}
        )
    return _EXCEL_EPOCH + datetime.timedelta(days=days)


def split_header(header):
    """(label, unit) of a column header: "金额（万元）", "金额（单位：万元）" and "金额
    单位:万元" all give ("金额", "万元"); line breaks and spaces do not count."""
    text = fold(header_text(header))
    match = _HEADER_UNIT.match(text)
    if match and match["label"]:
        return match["label"], units.normalize(match["unit"] or match["after"])
    return text, ""


def parse_choice(value, choices):
    """The value of a TextChoices member written as its label (增长目标) or its value (growth)."""
    text = fold(value)
    for member_value, label in choices:
        if text in (member_value, str(label)):
            return member_value
    raise ValueError(
        _("“%(value)s”不是可选值，应为：%(choices)s。")
        % {"value": value, "choices": "、".join(str(label) for _value, label in choices if label)}
    )
