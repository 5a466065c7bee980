"""Content in both languages: the report's Chinese wording, and in English mode the English
name from the data with the Chinese kept beside it, marked ``lang="zh-Hans"``."""

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language

register = template.Library()

CHINESE = "zh-Hans"


def english_mode():
    return not (get_language() or "").startswith("zh")


def _english_of(obj, field):
    return getattr(obj, f"{field}_en", "") if obj is not None else ""


def in_both(chinese, english, english_page):
    """The rule of ``{% bilingual %}`` for a Chinese and an English text, on a page in English
    (``english_page``) or Chinese."""
    if not english_page or not chinese:
        return chinese if not english_page else english
    if not english:
        return format_html('<span lang="{}">{}</span>', CHINESE, chinese)
    return format_html('{} <span class="zh" lang="{}">{}</span>', english, CHINESE, chinese)


@register.simple_tag
def bilingual(obj, field):
    """The field in the page's language. In English: "English <span lang=zh-Hans>中文</span>",
    or the Chinese alone (marked) where the data has no English yet."""
    chinese = getattr(obj, field, "") if obj is not None else ""
    return in_both(chinese, _english_of(obj, field), english_mode())


@register.filter
def localized(obj, field):
    """Plain text for places that take no markup (a page title, an SVG title): the English
    name in English mode where there is one, else the Chinese."""
    chinese = getattr(obj, field, "") if obj is not None else ""
    return (_english_of(obj, field) or chinese) if english_mode() else chinese


@register.filter
def unit_of(obj):
    """A figure's unit of measure in the page's language (亿元 → 100 million yuan)."""
    return localized(obj, "measure_unit")
