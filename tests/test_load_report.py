"""load_report puts the whole Gangmen report into the database, and only that."""

import tomllib
from decimal import Decimal as D

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import REPORT_DATA
from tracking.models import Milestone, Plan, PreviousYearResult, ProgressRecord, Target

pytestmark = pytest.mark.django_db

DATA = tomllib.loads(REPORT_DATA.read_text(encoding="utf-8"))


def snapshot():
    """Every loaded row and the history kept of them, to compare two runs."""
    return (
        Target.history.count() + Milestone.history.count() + PreviousYearResult.history.count(),
        list(Target.objects.order_by("pk").values()),
        list(Milestone.objects.order_by("pk").values()),
        list(PreviousYearResult.objects.order_by("pk").values()),
    )


def test_database_holds_every_row_of_the_data_file(gangmen):
    assert gangmen.areas.count() == len(DATA["areas"]) == 7
    assert gangmen.targets.count() == len(DATA["targets"])
    assert gangmen.results.count() == len(DATA["results"])
    for area in DATA["areas"]:
        expected = sum(1 for t in DATA["targets"] if t["area"] == area["position"])
        assert gangmen.targets.filter(area__position=area["position"]).count() == expected


def test_loading_twice_changes_nothing(gangmen):
    before = snapshot()
    call_command("load_report", REPORT_DATA, verbosity=0)
    assert snapshot() == before
    assert Plan.objects.count() == 1


def test_plan_starts_without_progress(gangmen):
    assert not ProgressRecord.objects.exists(), "no invented progress in the shipped data"


@pytest.mark.parametrize(
    ("name_contains", "growth", "baseline", "implied_level"),
    [
        ("地区生产总值", D(7), D("17.1"), D("18.297")),
        ("固定资产投资", D(20), D("1.25"), D("1.5")),
        ("一般公共预算收入", D(8), D(1820), D("1965.6")),
    ],
)
def test_growth_targets_carry_baseline_and_implied_level(
    gangmen, name_contains, growth, baseline, implied_level
):
    target = gangmen.targets.get(kind=Target.Kind.GROWTH, name__contains=name_contains)
    assert (target.target_growth_pct, target.baseline_value) == (growth, baseline)
    assert target.baseline_year == 2021
    assert target.implied_target_level == implied_level


def test_fixed_asset_investment_conflict_is_kept_on_both_targets(gangmen):
    conflicting = gangmen.targets.exclude(report_conflict="").filter(name__contains="固定资产投资")
    assert {t.kind for t in conflicting} == {"growth", "amount"}
    amount = conflicting.get(kind="amount")
    assert (amount.target_value, amount.measure_unit) == (D("1.4"), "亿元")


def test_every_qualitative_task_has_stages(gangmen):
    stageless = gangmen.targets.filter(kind=Target.Kind.MILESTONE, milestones__isnull=True)
    assert not stageless.exists(), list(stageless)


def test_a_broken_file_writes_nothing(tmp_path, db):
    broken = tmp_path / "broken.toml"
    text = REPORT_DATA.read_text(encoding="utf-8")
    # The last result loses its value: the whole load must roll back.
    head, _, tail = text.rpartition("[[results]]")
    broken.write_text(head + "[[results]]" + tail.replace("value =", "wrong ="), "utf-8")
    with pytest.raises(CommandError, match="未写入任何内容"):
        call_command("load_report", broken, verbosity=0)
    assert not Plan.objects.exists()
    assert not Target.objects.exists()
