"""How a list of targets stands, as the overview, the area pages and the print report show it:
the coloured bar of statuses and the headline sentence ("66 项目标：按进度 12，…。欠进度 3 项，占
4.5%。"), with the count per status as figures where asked.

Written in Python for the reason target_cells.py gives: the overview shows both for every area.
"""

from django import template
from django.utils.formats import localize
from django.utils.translation import gettext, ngettext, pgettext

from tracking.templatetags.target_cells import as_markup, html_text

register = template.Library()


@register.simple_tag
def status_bar(progress):
    """The bar: a segment per status present, widths in proportion on a 0–100 scale."""
    segments = (
        "".join(
            f'<rect class="seg-{html_text(segment.status)}" x="{segment.x}" y="0" '
            f'width="{segment.width}" height="4"></rect>'
            for segment in progress.bar
        )
        or '<rect class="seg-empty" x="0" y="0" width="100" height="4"></rect>'
    )
    return as_markup(
        '<svg class="status-bar" viewBox="0 0 100 4" preserveAspectRatio="none" '
        f'aria-hidden="true" focusable="false">{segments}</svg>'
    )


@register.simple_tag
def headline(progress, figures=False):
    total = progress.total
    present = progress.present_counts
    separator = html_text(pgettext("list separator", "，"))
    parts = [
        html_text(ngettext("%(total)s 项目标：", "%(total)s 项目标：", total) % {"total": total}),
        separator.join(
            f'{html_text(state.label)} <span class="num">{count}</span>' for state, count in present
        ),
        html_text(pgettext("sentence end", "。")),
    ]
    if total:
        lagging = gettext("欠进度 %(lagging)s 项，占 %(pct)s%%。") % {
            "lagging": progress.lagging,
            "pct": localize(progress.lagging_pct),
        }
        parts.append(f" {html_text(lagging)}")
    text = f'<p class="headline">{"".join(parts)}</p>'
    if figures:
        items = "".join(
            f'<li class="figure-{html_text(state)}"><span class="figure-count">{count}</span> '
            f'<span class="badge status-{html_text(state)}">{html_text(state.label)}</span></li>'
            for state, count in present
        )
        text += f'\n<ul class="figures">{items}</ul>'
    return as_markup(text)
