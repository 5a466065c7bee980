"""Reading single cells as statistics offices write them: each case read right or refused."""

import datetime
from decimal import Decimal as D

import pytest

from tracking.models import Target
from tracking.spreadsheets import cells


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, None),
        ("", None),
        ("  ", None),
        (5, D(5)),
        (0.1, D("0.1")),
        (1.4, D("1.4")),
        (D("2.50"), D("2.5")),
        ("1234", D(1234)),
        (" 1234.5 ", D("1234.5")),
        ("1,234,567.89", D("1234567.89")),
        ("１２３４", D(1234)),
        ("１，２３４．５", D("1234.5")),
        ("-3.2", D("-3.2")),
        (".5", D("0.5")),
        # Scientific notation, as Excel shows a long figure and CSV exports keep it.
        ("1.23457E+11", D(123457000000)),
        ("1.5e-3", D("0.0015")),
        (1.23457e11, D(123457000000)),
        # Invisible characters pasted from web pages and chat apps.
        ("1\u200b234", D(1234)),
        ("\ufeff12", D(12)),
        ("12\u00a0", D(12)),
        # Placeholders for "no figure".
        ("—", None),
        ("——", None),
        ("-", None),
        ("－", None),
        ("/", None),
        ("无", None),
    ],
)
def test_numbers_are_read_from_numbers_and_text(raw, expected):
    assert cells.parse_number(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("1,23", "“1,23”的千位分隔符位置不对，应为每三位一个逗号，如 1,234.5。"),
        ("12,3456", "“12,3456”的千位分隔符位置不对，应为每三位一个逗号，如 1,234.5。"),
        ("abc", "“abc”不是数字。"),
        ("1.2.3", "“1.2.3”不是数字。"),
        (True, "“True”不是数字。"),
        # Found by tests/test_properties.py: these crashed the import instead of being refused.
        (float("inf"), "“inf”不是数字。"),
        (D("NaN"), "“NaN”不是数字。"),
        (6.666666666666668e26, "“6.666666666666668e+26”超出可以记录的数值范围。"),
        ("1" + "0" * 20, f"“1{'0' * 20}”超出可以记录的数值范围。"),
    ],
)
def test_malformed_numbers_are_refused_with_the_reason(raw, message):
    with pytest.raises(ValueError) as raised:
        cells.parse_number(raw)
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("raw", "unit", "stated", "expected"),
    [
        ("1.4亿元", "亿元", "", D("1.4")),
        ("14000万元", "亿元", "", D("1.4")),
        ("14,000万元", "亿元", "", D("1.4")),
        ("１．４亿元", "亿元", "", D("1.4")),
        (14000, "亿元", "万元", D("1.4")),
        ("14000", "亿元", "万元", D("1.4")),
        # The unit written in the cell wins over the header's.
        ("1.4亿元", "亿元", "万元", D("1.4")),
        ("1.4", "亿元", "", D("1.4")),
        (1.4, "亿元", "亿元", D("1.4")),
        ("5家", "家", "", D(5)),
        ("95%", "%", "", D(95)),
        ("0.8万亩", "亩", "", D(8000)),
        ("1.23457E+11", "亿元", "元", D("1234.57")),
        ("1.2E+4万元", "亿元", "", D("1.2")),
        ("—", "亿元", "万元", None),
        (None, "亿元", "万元", None),
    ],
)
def test_quantities_are_converted_to_the_targets_unit(raw, unit, stated, expected):
    assert cells.parse_quantity(raw, unit, stated) == expected


@pytest.mark.parametrize(
    ("raw", "unit", "stated", "message"),
    [
        ("1.4亿元", "亩", "", "单位“亿元”与目标的计量单位“亩”不是同一类，无法换算。"),
        ("3", "家", "万元", "单位“万元”无法换算为目标的计量单位“家”。"),
        ("95%", "家", "", "单位“%”无法换算为目标的计量单位“家”。"),
        ("约1.4亿元", "亿元", "", "“约1.4亿元”不是数字。"),
    ],
)
def test_quantities_in_an_unconvertible_unit_are_refused(raw, unit, stated, message):
    with pytest.raises(ValueError) as raised:
        cells.parse_quantity(raw, unit, stated)
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("10.6%", D("10.6")),
        ("10.6", D("10.6")),
        ("１０.６％", D("10.6")),
        (7, D(7)),
        ("-2%", D(-2)),
    ],
)
def test_percentages_are_read_with_or_without_the_sign(raw, expected):
    assert cells.parse_percent(raw) == expected


def test_a_percentage_with_another_unit_is_refused():
    with pytest.raises(ValueError, match="“10万元”不是百分数。"):
        cells.parse_percent("10万元")


MARCH_31 = datetime.date(2022, 3, 31)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2022年3月", MARCH_31),
        ("2022年3月31日", MARCH_31),
        ("２０２２年３月", MARCH_31),
        ("2022-03", MARCH_31),
        ("2022-03-31", MARCH_31),
        ("2022/3/31", MARCH_31),
        ("2022.3.31", MARCH_31),
        ("2022.03", MARCH_31),
        ("20220331", MARCH_31),
        ("2022-03-31 00:00:00", MARCH_31),
        ("2022年2月", datetime.date(2022, 2, 28)),
        (44651, MARCH_31),
        (44651.0, MARCH_31),
        ("44651", MARCH_31),
        (datetime.datetime(2022, 3, 31, 0, 0), MARCH_31),
        (MARCH_31, MARCH_31),
        (None, None),
        ("", None),
        ("/", None),
        ("2022\u200b-03-31", MARCH_31),
    ],
)
def test_dates_are_read_in_every_form_offices_write_them(raw, expected):
    assert cells.parse_date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("2022年13月", "“2022年13月”的月份不对。"),
        ("2022-02-30", "“2022-02-30”的日期不存在。"),
        ("三月", "“三月”不是可识别的日期，请写作 2022-03-31、2022/3/31、2022年3月 或 2022-03。"),
        (2022, "“2022”不是2000至2100年间的日期（Excel 日期序号）。"),
        (44651.5, "“44651.5”不是2000至2100年间的日期（Excel 日期序号）。"),
    ],
)
def test_bad_dates_are_refused_with_the_reason(raw, message):
    with pytest.raises(ValueError) as raised:
        cells.parse_date(raw)
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("金额（万元）", ("金额", "万元")),
        ("金额(亿元)", ("金额", "亿元")),
        ("累计增速（%）", ("累计增速", "%")),
        (" 截至日期 ", ("截至日期", "")),
        ("累计实际值（ 万 元 ）", ("累计实际值", "万元")),
        ("累计实际值（单位：万元）", ("累计实际值", "万元")),
        ("累计实际值(单位:万元)", ("累计实际值", "万元")),
        ("累计实际值 单位：万元", ("累计实际值", "万元")),
        ("累计实际值，单位：万元", ("累计实际值", "万元")),
        ("累计实际值\n（万元）", ("累计实际值", "万元")),
        ("累计实际值【万元】", ("累计实际值", "万元")),
        ("\ufeff截至\u200b日期", ("截至日期", "")),
        ("计量单位", ("计量单位", "")),
    ],
)
def test_headers_give_their_label_and_unit(header, expected):
    assert cells.split_header(header) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("'=1+2", "=1+2"), ("'-5", "-5"), ("'@SUM", "@SUM"), ("'quoted'", "'quoted'"), (None, "")],
)
def test_text_loses_only_the_apostrophe_our_exports_add(raw, expected):
    assert cells.parse_text(raw) == expected


def test_choices_are_read_by_label_or_value_and_others_refused():
    assert cells.parse_choice("增长目标", Target.Kind.choices) == "growth"
    assert cells.parse_choice("growth", Target.Kind.choices) == "growth"
    with pytest.raises(ValueError, match="“增长”不是可选值，应为：增长目标、累计完成量"):
        cells.parse_choice("增长", Target.Kind.choices)
