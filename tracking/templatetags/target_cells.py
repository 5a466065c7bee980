"""The cells every list and page shows of a target: its baseline, goal, a reported figure, the
latest figure with its date, the progress bar and the status badge; and the rows of the two
target tables (a task area's list and the overview's main targets) built from them.

One place for each cell, so that the 150-row lists, the target page and the office's cards say a
goal the same way. Written in Python for speed: a list of 150 targets written out in template
tags cost 120 µs a row (an include or tag, a context lookup and a translation per cell); here
the words are translated once per language and dates formatted once per date, and a row costs
about 15 µs (`make bench`).
"""

import functools
from html import escape

from django import template
from django.utils.formats import date_format
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import get_language, gettext

from tracking.rules.choices import Status
from tracking.rules.figures import plain
from tracking.templatetags.bilingual import english_mode, in_both

register = template.Library()


def html_text(value):
    """``value`` escaped for HTML, unless it is markup already (as Django's
    conditional_escape, without the lazy-string wrapper that costs more than the escaping)."""
    if isinstance(value, SafeData):
        return str(value)
    return escape(str(value))


def as_markup(html):
    """What the writer wrote, as markup a template outputs unescaped: every text in it went
    through html_text()."""
    return mark_safe(html)  # noqa: S308  # nosec B308 B703


class CellWriter:
    """The cells in one language. Get one with ``writer()``."""

    def __init__(self):
        self.english = english_mode()
        # Translated once per language: the same few words appear in every row.
        self.growth = html_text(gettext("增长"))
        self.that_is = html_text(gettext("即"))
        self.reported = html_text(gettext("报告数"))
        self.implied = html_text(gettext("折合"))
        self.by_stage = html_text(gettext("按阶段完成"))
        self.as_of = html_text(gettext("数据截至"))
        self.no_data = html_text(gettext("暂无数据"))
        self.not_given = html_text(gettext("报告未给出"))
        self.not_stated = html_text(gettext("报告未写明"))
        self.progress_label = html_text(gettext("完成进度"))
        self.conflict = html_text(gettext("报告数字不一致"))
        self.labels = {
            "baseline": html_text(gettext("上年基数")),
            "goal": html_text(gettext("目标")),
            "latest": html_text(gettext("最新实际")),
            "actual": html_text(gettext("实际")),
            "progress": html_text(gettext("进度")),
            "status": html_text(gettext("状态")),
            "unit": html_text(gettext("责任单位")),
        }
        self.status_labels = {state: html_text(state.label) for state in Status}
        self.dates = functools.lru_cache(maxsize=1024)(date_format)

    def both(self, obj, field):
        """``{% bilingual obj field %}`` as HTML."""
        return html_text(in_both(getattr(obj, field), getattr(obj, f"{field}_en"), self.english))

    def unit(self, target):
        return html_text((self.english and target.measure_unit_en) or target.measure_unit)

    def amount(self, number, target):
        """ "17.1 亿元": a figure with the target's unit, in a span that never breaks."""
        return f'<span class="num">{plain(number)} {self.unit(target)}</span>'

    def growth_of(self, number):
        return f'<span class="num">{self.growth} {plain(number)}%</span>'

    def baseline(self, target):
        if target.baseline_value is None:
            return f'<span class="open">{self.not_given}</span>'
        return self.amount(target.baseline_value, target)

    def goal(self, target):
        """+7% (with the level it implies), 5 家 (per year for a quota), or "by stages"."""
        if target.kind == target.Kind.GROWTH:
            text = self.growth_of(target.target_growth_pct)
            implied = target.implied_target_level
            if implied is not None:
                text += f"<br><small>{self.that_is} {self.amount(implied, target)}</small>"
            return text
        if target.target_value is None:
            return self.by_stage
        if target.kind == target.Kind.QUOTA:
            period = html_text(target.get_quota_period_display())
            return (
                f'<span class="num">{plain(target.target_value)} {self.unit(target)} / '
                f"{period}</span>"
            )
        return self.amount(target.target_value, target)

    def figure(self, record, target):
        """A reported figure: the growth (with the amount reported and the level it implies),
        the stage reached, or the amount."""
        if record.growth_pct is not None:
            text = self.growth_of(record.growth_pct)
            if record.value is not None:
                text += f"<br><small>{self.reported} {self.amount(record.value, target)}</small>"
            # From the target, not the record: a historical version of a record (a
            # correction's before and after) has the fields of a record but not its methods.
            implied = target.level_implied_by(record.growth_pct)
            if implied is not None:
                text += f"<br><small>{self.implied} {self.amount(implied, target)}</small>"
            return text
        if record.milestone_id:
            return self.both(record.milestone, "name")
        return self.amount(record.value, target)

    def latest(self, latest, target):
        """The figure a list shows for a target, with the date it is as of; "no data" without."""
        if not latest:
            return f'<span class="open">{self.no_data}</span>'
        return (
            f'{self.figure(latest, target)}<br><small class="record-date">{self.as_of} '
            f'<span class="num">{self.dates(latest.as_of)}</span></small>'
        )

    def progress(self, target, assessment, latest):
        """Growth reached against growth set, or the share done as a bar; "—" where neither
        is known."""
        if target.kind == target.Kind.GROWTH:
            if latest is None or latest.growth_pct is None:
                return "—"
            return (
                f'<span class="num">{plain(latest.growth_pct)}% / '
                f"{plain(target.target_growth_pct)}%</span>"
            )
        if assessment.progress_pct is None:
            return "—"
        percent = f"{assessment.progress_pct:f}"
        return (
            f'<progress max="100" value="{assessment.progress_for_bar}" '
            f'aria-label="{self.progress_label}">{percent}%</progress> '
            f'<span class="num">{percent}%</span>'
        )

    def status(self, assessment):
        return (
            f'<span class="badge status-{html_text(assessment.status)}">'
            f"{self.status_labels[assessment.status]}</span>"
        )

    def name_link(self, target, query):
        """The target's name linked to its page, flagged where the report contradicts itself."""
        flag = f' <span class="flag">{self.conflict}</span>' if target.report_conflict else ""
        link = f"{html_text(target.url)}{html_text(query)}"
        return f'<a href="{link}">{self.both(target, "name")}</a>{flag}'

    def target_row(self, target, assessment, latest, query):
        """A row of a task area's table (templates/tracking/includes/target_table.html)."""
        label = self.labels
        unit = target.responsible_unit
        responsible = (
            self.both(unit, "name") if unit else f'<span class="open">{self.not_stated}</span>'
        )
        return (
            f'<tr>\n      <td class="col-code">{html_text(target.code)}</td>\n'
            f"      <td>{self.name_link(target, query)}\n"
            f'        <blockquote class="source" lang="zh-Hans">{html_text(target.source_text)}'
            "</blockquote></td>\n"
            f'      <td data-label="{label["baseline"]}">{self.baseline(target)}</td>\n'
            f'      <td data-label="{label["goal"]}">{self.goal(target)}</td>\n'
            f'      <td data-label="{label["latest"]}">{self.latest(latest, target)}</td>\n'
            f'      <td data-label="{label["progress"]}">'
            f"{self.progress(target, assessment, latest)}</td>\n"
            f'      <td data-label="{label["status"]}">{self.status(assessment)}</td>\n'
            f'      <td data-label="{label["unit"]}">{responsible}</td>\n    </tr>\n'
        )

    def main_row(self, target, assessment, latest, query, baseline_label):
        """A row of the overview's table of main economic targets (templates/tracking/plan.html)."""
        label = self.labels
        return (
            f"<tr>\n        <td>{self.name_link(target, query)}</td>\n"
            f'        <td data-label="{baseline_label}">{self.baseline(target)}</td>\n'
            f'        <td data-label="{label["goal"]}">{self.goal(target)}</td>\n'
            f'        <td data-label="{label["actual"]}">{self.latest(latest, target)}</td>\n'
            f'        <td data-label="{label["status"]}">{self.status(assessment)}</td>\n'
            "      </tr>\n"
        )


@functools.lru_cache(maxsize=16)
def _writer_for(language):
    return CellWriter()


def writer():
    """The cell writer of the active language (made once per language and process: the
    translation catalogues do not change while the site runs)."""
    return _writer_for(get_language())


@register.simple_tag
def baseline_cell(target):
    return as_markup(writer().baseline(target))


@register.simple_tag
def goal_cell(target):
    return as_markup(writer().goal(target))


@register.simple_tag
def figure_cell(record, target):
    return as_markup(writer().figure(record, target))


@register.simple_tag
def latest_cell(latest, target):
    return as_markup(writer().latest(latest, target))


@register.simple_tag
def progress_cell(target, assessment, latest):
    return as_markup(writer().progress(target, assessment, latest))


@register.simple_tag
def status_badge(assessment):
    return as_markup(writer().status(assessment))


@register.simple_tag
def target_rows(rows, judged):
    """The rows of a task area's table: (target, assessment, latest figure) each."""
    cells = writer()
    return as_markup("".join(cells.target_row(*row, judged.query) for row in rows))


@register.simple_tag
def main_target_rows(rows, judged, baseline_label):
    """The rows of the overview's main targets, under a baseline column named for the year."""
    cells = writer()
    label = html_text(baseline_label)
    return as_markup("".join(cells.main_row(*row, judged.query, label) for row in rows))
