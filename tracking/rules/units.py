"""Units of measure: the one place that converts a figure between 元/万元/亿元, 亩/万亩, 米/公里….

A figure is kept in the unit its target prints (1.4 with unit 亿元). A spreadsheet may give it in
another unit of the same kind (14000万元); this module converts it exactly, with Decimals. A unit
of another kind, or one this module does not know, is refused: reading 14000万元 as 14000亿元 is
the worst mistake an import can make, so nothing is ever taken "as is" across units.
"""

import unicodedata
from decimal import Decimal

from django.utils.translation import gettext as _

# Each unit's size in the base unit of its kind. Units of different kinds never convert.
# 1公顷 = 15亩 exactly by the national definition of the 市亩; 亩 and 平方米 are kept apart
# because 1亩 = 2000/3平方米 is not a finite decimal.
_SCALES = {
    "元": ("money", Decimal(1)),
    "千元": ("money", Decimal(10**3)),
    "万元": ("money", Decimal(10**4)),
    "亿元": ("money", Decimal(10**8)),
    "亩": ("land", Decimal(1)),
    "万亩": ("land", Decimal(10**4)),
    "公顷": ("land", Decimal(15)),
    "平方米": ("floor", Decimal(1)),
    "万平方米": ("floor", Decimal(10**4)),
    "平方公里": ("floor", Decimal(10**6)),
    "米": ("length", Decimal(1)),
    "公里": ("length", Decimal(1000)),
    "千米": ("length", Decimal(1000)),
    "吨": ("weight", Decimal(1)),
    "万吨": ("weight", Decimal(10**4)),
    "人": ("people", Decimal(1)),
    "万人": ("people", Decimal(10**4)),
    "人次": ("visits", Decimal(1)),
    "万人次": ("visits", Decimal(10**4)),
}
# Spellings that mean the same unit.
_ALIASES = {"km": "公里", "m": "米", "㎡": "平方米", "m2": "平方米", "ha": "公顷", "％": "%"}


class UnitError(ValueError):
    """A figure cannot be converted to the unit asked for."""


def normalize(unit):
    """One spelling per unit: full-width forms folded, spaces dropped, aliases resolved."""
    folded = unicodedata.normalize("NFKC", unit or "").replace(" ", "").strip()
    return _ALIASES.get(folded.lower(), folded)


def is_known(unit):
    """Whether this module converts ``unit`` (in any of its spellings)."""
    return normalize(unit) in _SCALES


def known_units():
    """Every unit name this module converts, longest first (so 万元 is matched before 元)."""
    return sorted([*_SCALES, *_ALIASES], key=len, reverse=True)


def convert(value, from_unit, to_unit):
    """``value`` given in ``from_unit``, expressed in ``to_unit``; UnitError if impossible."""
    source, target = normalize(from_unit), normalize(to_unit)
    if source == target:
        return value
    if source not in _SCALES or target not in _SCALES:
        raise UnitError(
            _("单位“%(source)s”无法换算为目标的计量单位“%(target)s”。")
            % {"source": source, "target": target or _("（无单位）")}
        )
    source_kind, source_scale = _SCALES[source]
    target_kind, target_scale = _SCALES[target]
    if source_kind != target_kind:
        raise UnitError(
            _("单位“%(source)s”与目标的计量单位“%(target)s”不是同一类，无法换算。")
            % {"source": source, "target": target}
        )
    return tidy(value * source_scale / target_scale)


def tidy(value):
    """Drop trailing zeros a scale factor adds (1.40000 → 1.4) without changing the value."""
    normalized = value.normalize()
    return normalized.quantize(Decimal(1)) if normalized == normalized.to_integral() else normalized
