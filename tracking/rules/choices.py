"""The domain's vocabulary: every word the code stores, compares or publishes, in one place.

Model fields take their choices from here, the status rule names its results with Status, the
OpenAPI schema lists these values as its enumerations and templates compare against the members
(``target.Kind.GROWTH``: Django's enumeration types are not called in templates). Model-free, so
that pure modules (status.py, report_parser.py, openapi.py) use the same words as the models.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    """Where a target stands on a date (the rule in tracking/rules/status.py)."""

    ACHIEVED = "achieved", _("已完成")
    ON_TRACK = "on_track", _("按进度推进")
    AT_RISK = "at_risk", _("存在风险")
    BEHIND = "behind", _("进度滞后")
    NOT_STARTED = "not_started", _("未开始")
    OVERDUE = "overdue", _("逾期未完成")
    YEAR_END_MISSING = "year_end_missing", _("缺少全年数据")
    NO_DATA = "no_data", _("暂无数据")


class Kind(models.TextChoices):
    """The five kinds of target the report uses; each has its own measure of progress."""

    GROWTH = "growth", _("增长目标")
    AMOUNT = "amount", _("累计完成量")
    LEVEL = "level", _("达到或保持水平")
    QUOTA = "quota", _("周期性定额")
    MILESTONE = "milestone", _("定性任务（分阶段）")


class Direction(models.TextChoices):
    INCREASE = "increase", _("越多越好")
    DECREASE = "decrease", _("越少越好")


class Period(models.TextChoices):
    """A quota's period, and the period units report on (settings.REPORTING_PERIOD)."""

    MONTH = "month", _("每月")
    QUARTER = "quarter", _("每季度")


class State(models.TextChoices):
    """Where a progress record is in review."""

    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已报送待审核")
    RETURNED = "returned", _("已退回")
    PUBLISHED = "published", _("已审核发布")
    WITHDRAWN = "withdrawn", _("已撤回")

    @classmethod
    def counted_as_reported(cls):
        """A unit has reported once it submitted; review is the leaders' part."""
        return [cls.SUBMITTED, cls.PUBLISHED]


class Action(models.TextChoices):
    """A step of a record through review (ReviewEvent.TRANSITIONS says from where to where)."""

    SUBMIT = "submit", _("提交审核")
    APPROVE = "approve", _("审核通过并发布")
    RETURN = "return", _("退回修改")
    WITHDRAW = "withdraw", _("撤回")


class Qualifier(models.TextChoices):
    """How the report qualifies a previous year's figure."""

    EXACT = "", _("确数")
    ABOUT = "about", _("约")
    MORE_THAN = "more", _("余 / 多（以上）")
