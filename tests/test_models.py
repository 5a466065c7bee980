"""Validation messages and database constraints: nothing invalid is saved."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.conftest import make_plan, make_record, make_stages, make_target
from tracking.models import ProgressRecord, Target

pytestmark = pytest.mark.django_db

MAY_31 = datetime.date(2022, 5, 31)


def validation_codes(instance):
    with pytest.raises(ValidationError) as raised:
        instance.full_clean()
    return {field: [e.code for e in errors] for field, errors in raised.value.error_dict.items()}


@pytest.mark.parametrize(
    ("kind", "fields", "field", "code"),
    [
        ("amount", {"value": D(-1)}, "value", "negative"),
        (
            "amount",
            {"value": D(1), "as_of": datetime.date(2021, 12, 31)},
            "as_of",
            "as_of_outside_plan",
        ),
        (
            "amount",
            {"value": D(1), "as_of": datetime.date(2023, 1, 1)},
            "as_of",
            "as_of_outside_plan",
        ),
        ("amount", {"growth_pct": D(5)}, "value", "value_required"),
        ("growth", {"value": D(10)}, "growth_pct", "growth_required"),
        ("milestone", {"value": D(1)}, "milestone", "stage_required"),
    ],
    ids=[
        "negative value",
        "before the plan year",
        "after the plan year",
        "amount without value",
        "growth without growth",
        "milestone without stage",
    ],
)
def test_bad_progress_values_are_refused_with_the_field_named(plan, kind, fields, field, code):
    target = make_target(plan, kind=kind)
    record = ProgressRecord(target=target, **{"as_of": MAY_31, **fields})
    assert code in validation_codes(record).get(field, []), f"{field} should say {code}"


def test_percentage_over_100_is_refused_for_a_level(plan):
    target = make_target(plan, kind=Target.Kind.LEVEL, measure_unit="%", target_value=D(100))
    record = ProgressRecord(target=target, as_of=MAY_31, value=D("100.5"))
    assert validation_codes(record) == {"value": ["percent_over_100"]}


def test_percentage_over_100_is_refused_for_a_target(plan):
    target = Target(
        plan=plan,
        area=plan.areas.first(),
        code="P",
        name="覆盖率",
        kind=Target.Kind.LEVEL,
        measure_unit="%",
        target_value=D(120),
        source_text="原文",
    )
    assert "percent_over_100" in validation_codes(target)["target_value"]


def test_future_dates_are_refused(plan, settings):
    target = make_target(plan)
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    target.deadline = datetime.date(tomorrow.year + 1, 12, 31)
    record = ProgressRecord(target=target, as_of=tomorrow, value=D(1))
    assert "as_of_in_future" in validation_codes(record)["as_of"]


def test_stage_of_another_target_is_refused(plan):
    first = make_target(plan, "Q1", kind=Target.Kind.MILESTONE)
    second = make_target(plan, "Q2", kind=Target.Kind.MILESTONE)
    other_stage = make_stages(second, 1)[0]
    record = ProgressRecord(target=first, as_of=MAY_31, milestone=other_stage)
    assert validation_codes(record) == {"milestone": ["stage_other_target"]}


def test_target_must_say_its_goal(plan):
    missing = Target(
        plan=plan,
        area=plan.areas.first(),
        code="X",
        name="X",
        source_text="原",
        kind=Target.Kind.GROWTH,
    )
    assert validation_codes(missing)["target_growth_pct"] == ["growth_required"]


def test_area_of_another_plan_is_refused(plan):
    other = make_plan(2023)
    target = Target(
        plan=plan,
        area=other.areas.first(),
        code="X",
        name="X",
        source_text="原",
        kind=Target.Kind.AMOUNT,
        target_value=D(1),
    )
    assert "area_other_plan" in validation_codes(target)["area"]


@pytest.mark.parametrize(
    "bad_fields",
    [
        {"value": D(-5)},
        {"value": None, "growth_pct": None, "milestone": None},
    ],
    ids=["negative value", "no figure at all"],
)
def test_database_refuses_invalid_records_even_without_validation(plan, bad_fields):
    target = make_target(plan)
    record = ProgressRecord(target=target, as_of=MAY_31, **bad_fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        record.save()
    assert not ProgressRecord.objects.exists(), "a failed save leaves nothing behind"


def test_database_refuses_a_second_target_with_the_same_code(plan):
    make_target(plan, "T1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Target.objects.create(
            plan=plan,
            area=plan.areas.first(),
            code="T1",
            name="重复",
            kind="amount",
            target_value=D(1),
            source_text="原",
        )


def test_database_refuses_an_amount_target_without_goal(plan):
    with pytest.raises(IntegrityError), transaction.atomic():
        Target.objects.create(
            plan=plan,
            area=plan.areas.first(),
            code="T9",
            name="无目标",
            kind="amount",
            source_text="原",
        )


def test_growth_target_implies_a_level():
    target = Target(kind=Target.Kind.GROWTH, baseline_value=D("17.1"), target_growth_pct=D(7))
    assert target.implied_target_level == D("18.297")


def test_growth_target_without_baseline_implies_no_level():
    assert Target(kind=Target.Kind.GROWTH, target_growth_pct=D(7)).implied_target_level is None


def test_defaults_come_from_the_plan(plan):
    target = make_target(plan, baseline_value=D(3))
    assert (target.starts_on, target.deadline) == (
        datetime.date(2022, 1, 1),
        datetime.date(2022, 12, 31),
    )
    assert target.baseline_year == 2021


def test_revision_keeps_the_original_beside_it(plan):
    target = make_target(plan, target_value=D(5))
    target.revise(on=datetime.date(2022, 7, 1), reason="受疫情影响", target_value=D(4))
    target.revise(on=datetime.date(2022, 9, 1), reason="再次调整", target_value=D(3))
    target.refresh_from_db()
    assert (target.original_target_value, target.target_value) == (D(5), D(3))
    assert target.revision_reason == "再次调整"


def test_assess_uses_only_published_records(plan):
    target = make_target(plan, target_value=D(5))
    make_record(target, MAY_31, value=D(5), state=ProgressRecord.State.SUBMITTED)
    assert target.assess(datetime.date(2022, 6, 1)).status == "no_data"
    make_record(target, datetime.date(2022, 4, 30), value=D(2))
    assessment = Target.objects.with_progress().get(pk=target.pk).assess(datetime.date(2022, 6, 1))
    assert (assessment.status, assessment.progress_pct) == ("on_track", D("40.0"))


def test_assess_milestone_counts_the_highest_stage_reached(plan):
    target = make_target(plan, kind=Target.Kind.MILESTONE)
    stages = make_stages(target, 4)
    make_record(target, datetime.date(2022, 3, 1), milestone=stages[0])
    make_record(target, datetime.date(2022, 4, 1), milestone=stages[1])
    assessment = target.assess(datetime.date(2022, 4, 2))
    assert assessment.progress_pct == D("50.0")
