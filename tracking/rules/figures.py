"""How a figure is written out: the one formatting every page, message, workbook, chart and the
API use, so that a number reads the same everywhere (17.1, never 17.1000 nor 1.71E+1)."""

from decimal import Decimal


def plain(number):
    """A figure's own digits, without exponent or trailing zeros: 17.1000 → "17.1", 1E+6 →
    "1000000"; an int as it is."""
    if isinstance(number, int):
        return str(number)
    return f"{Decimal(number).normalize():f}"


def goal_text(target):
    """A target's goal in a few characters: "+7%" for a growth target, "5 家" for the others,
    "—" where the report sets no figure."""
    if target.kind == target.Kind.GROWTH:
        return f"+{plain(target.target_growth_pct)}%"
    if target.target_value is None:
        return "—"
    return f"{plain(target.target_value)} {target.measure_unit}"
