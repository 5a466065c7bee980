"""{{ value|figure }}: a figure written as tracking/rules/figures.py writes it everywhere else."""

from django import template

from tracking.rules import figures

register = template.Library()


@register.filter
def figure(number):
    return "" if number is None else figures.plain(number)
