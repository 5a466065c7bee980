"""The synthetic data for the benchmark: labelled, realistic, reproducible, never beside real data
unless asked."""

from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from tracking.management.commands.generate_synthetic import SIZES, Size, generate
from tracking.models import Jurisdiction, Plan, ProgressRecord, Target

pytestmark = pytest.mark.django_db


def _figures():
    return list(
        ProgressRecord.objects.order_by("target__plan__year", "target__code", "as_of").values_list(
            "target__code", "as_of", "value", "growth_pct", "milestone__position"
        )
    )


def test_refuses_a_database_holding_a_real_plan_and_says_why(gangmen):
    with pytest.raises(CommandError, match=r"已有真实计划（港门镇 2022）.*首页.*--force"):
        call_command("generate_synthetic", size="S", verbosity=0)
    assert list(Plan.objects.all()) == [gangmen], "nothing was written"


def test_force_adds_synthetic_plans_without_touching_the_real_one(gangmen):
    real_targets = list(gangmen.targets.values())
    call_command("generate_synthetic", size="S", force=True, verbosity=0)
    assert Plan.objects.count() == 2
    assert list(gangmen.targets.values()) == real_targets
    assert not ProgressRecord.objects.filter(target__plan=gangmen).exists()
    synthetic = Plan.objects.exclude(pk=gangmen.pk).get()
    assert synthetic.jurisdiction.slug == "synthetic-town-001"


def test_refuses_to_generate_twice_into_one_database():
    call_command("generate_synthetic", size="S", verbosity=0)
    with pytest.raises(CommandError, match="已有合成数据"):
        call_command("generate_synthetic", size="S", verbosity=0)


def test_size_s_is_the_gangmen_plan_with_a_year_of_monthly_published_records():
    call_command("generate_synthetic", size="S", verbosity=0)
    plan = Plan.objects.get()
    kinds = Counter(plan.targets.values_list("kind", flat=True))
    assert kinds == {"milestone": 48, "amount": 9, "growth": 6, "level": 2, "quota": 1}
    assert ProgressRecord.objects.count() == 66 * 12
    assert set(ProgressRecord.objects.values_list("state", flat=True)) == {"published"}
    assert {r.as_of.month for r in plan.targets.get(code="M1").records.all()} == set(range(1, 13))


def test_every_synthetic_row_is_labelled_as_such():
    call_command("generate_synthetic", size="S", verbosity=0)
    assert all(j.slug.startswith("synthetic-") for j in Jurisdiction.objects.all())
    assert all(j.name.startswith("合成") for j in Jurisdiction.objects.all())
    assert all("合成数据" in title for title in Plan.objects.values_list("title", flat=True))


def test_the_same_seed_gives_the_same_figures_and_another_seed_does_not():
    small = Size(jurisdictions=2, years=2, targets_per_plan=80, first_year=2020)
    runs = []
    for seed in (7, 7, 8):
        with transaction.atomic():
            generate(small, seed)
            runs.append(_figures())
            transaction.set_rollback(True)
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


def test_larger_sizes_repeat_the_real_targets_with_numbered_codes_and_a_valid_record_each_month():
    generate(Size(jurisdictions=2, years=2, targets_per_plan=150, first_year=2020), seed=1)
    assert Plan.objects.count() == 4
    assert Target.objects.count() == 4 * 150
    assert ProgressRecord.objects.count() == 4 * 150 * 12
    plan = Plan.objects.filter(jurisdiction__slug="synthetic-town-002").get(year=2021)
    assert {"A1-04", "A1-04.2", "A1-04.3"} <= set(plan.targets.values_list("code", flat=True))
    for record in ProgressRecord.objects.filter(target__plan=plan).select_related("target")[:300]:
        record.full_clean()  # the same checks a reporter's record passes


@pytest.mark.parametrize(
    ("size", "records"), [("S", 792), ("M", 180_000), ("L", 1_800_000)], ids=["S", "M", "L"]
)
def test_the_size_table_promises_the_record_counts_of_the_issue(size, records):
    per_plan = SIZES[size].targets_per_plan or 66
    assert SIZES[size].plans * per_plan * 12 == records


def test_synthetic_stages_are_named_as_the_report_or_the_default_stages_name_them(gangmen):
    """Stage names as load_report gives them to the real plan: the report's own stages, or the
    tracker's three default ones, each with its English name."""
    real = {
        (t.code, s.position): (s.name, s.name_en)
        for t in gangmen.targets.prefetch_related("milestones")
        for s in t.milestones.all()
    }
    call_command("generate_synthetic", size="S", force=True, verbosity=0)
    synthetic = Plan.objects.exclude(pk=gangmen.pk).get()
    generated = {
        (t.code, s.position): (s.name, s.name_en)
        for t in synthetic.targets.prefetch_related("milestones")
        for s in t.milestones.all()
    }
    assert generated == real
