"""tracking/rules/figures.py: every page, message, workbook, chart and the API write a figure
alike."""

from decimal import Decimal as D

import pytest
from django.template import engines

from tests.conftest import make_target
from tracking.models import Target
from tracking.rules import figures


@pytest.mark.parametrize(
    ("number", "written"),
    [(D("17.1000"), "17.1"), (D("1E+6"), "1000000"), (D("-2.50"), "-2.5"), (5, "5")],
)
def test_a_figure_is_written_with_its_own_digits_in_python_and_in_templates(number, written):
    assert figures.plain(number) == written
    template = engines["django"].from_string("{% load figures %}{{ number|figure }}")
    assert template.render({"number": number}) == written


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "fields", "goal"),
    [
        (Target.Kind.GROWTH, {"target_growth_pct": D("7.00")}, "+7%"),
        (Target.Kind.AMOUNT, {"target_value": D("1.4000"), "measure_unit": "亿元"}, "1.4 亿元"),
        (Target.Kind.MILESTONE, {}, "—"),
    ],
)
def test_a_goal_is_written_as_the_report_writes_it(plan, kind, fields, goal):
    assert figures.goal_text(make_target(plan, kind=kind, **fields)) == goal
