"""Reporting periods: which month (or quarter) units report on now, and by when.

Units report on the period that ended most recently, by a due day of the month after it
(settings.REPORTING_DUE_DAY): on 5 July the June report is due on 10 July; on 11 July it is late.
Periods end with the plan's year: once it is over, a plan's last period is its December (or
fourth quarter), never a month of the years after. Pure functions of dates;
`current_period()` reads the settings.
"""

import calendar
import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from tracking.rules.choices import Period

MONTHS_PER_PERIOD = {Period.MONTH: 1, Period.QUARTER: 3}


@dataclass(frozen=True)
class ReportingPeriod:
    starts_on: datetime.date
    ends_on: datetime.date
    due_on: datetime.date
    months: int

    @property
    def label(self):
        if self.months == 1:
            return _("%(year)s年%(month)s月") % {
                "year": self.starts_on.year,
                "month": self.starts_on.month,
            }
        return _("%(year)s年第%(quarter)s季度") % {
            "year": self.starts_on.year,
            "quarter": (self.starts_on.month - 1) // 3 + 1,
        }

    def is_late(self, today):
        return today > self.due_on


def _month_start(month_index):
    """The first day of a month counted as year * 12 + (month - 1)."""
    return datetime.date(month_index // 12, month_index % 12 + 1, 1)


def period_before(today, months=1, due_day=10):
    """The last whole period (of `months` months, aligned to the year) that ended before today."""
    this_month = today.year * 12 + today.month - 1
    current_start = this_month - this_month % months
    start = _month_start(current_start - months)
    next_start = _month_start(current_start)
    ends_on = next_start - datetime.timedelta(days=1)
    last_day = calendar.monthrange(next_start.year, next_start.month)[1]
    due_on = next_start.replace(day=min(due_day, last_day))
    return ReportingPeriod(starts_on=start, ends_on=ends_on, due_on=due_on, months=months)


def last_day_counted(today, plan_ends_on):
    """The day whose preceding period is the one due: today, or for a plan whose year is over,
    the day after its year ends (so the last period due is the year's last)."""
    return min(today, plan_ends_on + datetime.timedelta(days=1))


def current_period(today=None, plan=None):
    """The period reported on now; for ``plan``, one within its year (see the module)."""
    today = today or timezone.localdate()
    if plan is not None:
        today = last_day_counted(today, plan.ends_on)
    return period_before(
        today,
        months=MONTHS_PER_PERIOD[settings.REPORTING_PERIOD],
        due_day=settings.REPORTING_DUE_DAY,
    )
