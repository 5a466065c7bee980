"""Unit conversion: exact, between units of one kind only, never silently across kinds."""

from decimal import Decimal as D

import pytest

from tracking.rules import units


@pytest.mark.parametrize(
    ("value", "from_unit", "to_unit", "expected"),
    [
        (D("14000"), "万元", "亿元", D("1.4")),
        (D("1.4"), "亿元", "万元", D("14000")),
        (D("1.25"), "亿元", "元", D("125000000")),
        (D("3500"), "元", "万元", D("0.35")),
        (D("1"), "万亩", "亩", D("10000")),
        (D("2"), "公顷", "亩", D("30")),
        (D("2.5"), "公里", "米", D("2500")),
        (D("1500"), "米", "千米", D("1.5")),
        (D("7"), "家", "家", D("7")),
        (D("95"), "％", "%", D("95")),
        (D("3"), "万元", " 万元 ", D("3")),
    ],
)
def test_figures_convert_exactly_between_units_of_one_kind(value, from_unit, to_unit, expected):
    converted = units.convert(value, from_unit, to_unit)
    assert converted == expected, f"{value}{from_unit} should be {expected}{to_unit}"


@pytest.mark.parametrize(
    ("from_unit", "to_unit", "message"),
    [
        ("万元", "亩", "单位“万元”与目标的计量单位“亩”不是同一类，无法换算。"),
        ("亩", "平方米", "单位“亩”与目标的计量单位“平方米”不是同一类，无法换算。"),
        ("篇", "家", "单位“篇”无法换算为目标的计量单位“家”。"),
        ("亿元", "", "单位“亿元”无法换算为目标的计量单位“（无单位）”。"),
        ("%", "万元", "单位“%”无法换算为目标的计量单位“万元”。"),
    ],
)
def test_figures_in_an_unrelated_unit_are_refused(from_unit, to_unit, message):
    with pytest.raises(units.UnitError) as raised:
        units.convert(D(1), from_unit, to_unit)
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("cell", "unit", "expected"),
    [("3万元", "元", D(30000)), ("3万亩", "亩", D(30000)), ("3元", "万元", D("0.0003"))],
)
def test_a_cell_in_wan_yuan_is_read_as_wan_yuan_not_as_yuan(cell, unit, expected):
    from tracking.spreadsheets import cells

    assert cells.parse_quantity(cell, unit) == expected
