"""The stored assessment (TargetAssessment): what the status rule gives, kept up to date by every
write of published data, and what the lists and the API show on the plan's default date."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.db import transaction

from tests.conftest import make_record, make_target
from tests.spreadsheet_files import xlsx
from tracking.management.commands.load_demo_progress import demo_figures, month_ends, pace_of
from tracking.models import Plan, ProgressRecord, Target, TargetAssessment
from tracking.public.views import assessed_rows, overview
from tracking.rules.choices import Status
from tracking.rules.status import tally
from tracking.spreadsheets import read_rows
from tracking.spreadsheets.resources import TargetResource

pytestmark = pytest.mark.django_db

DAY = datetime.date
# A date before any report, two in the year, the year's last day and one after it (the plan's
# year-end review): each is the default date of its own day.
DATES = [DAY(2022, 1, 10), DAY(2022, 3, 31), DAY(2022, 7, 15), DAY(2022, 12, 31), DAY(2023, 2, 1)]


def on_day(time_machine, day):
    time_machine.move_to(day)


def assert_stored_agrees_with_fresh(plan):
    """Every target of the plan: what the lists serve from the stored assessment equals
    assessing afresh from the published records on the plan's default date."""
    on = plan.public_judgement_date()
    targets = Target.objects.for_plan(plan)
    stored_on = set(TargetAssessment.objects.filter(target__plan=plan).values_list("on", flat=True))
    assert TargetAssessment.objects.filter(target__plan=plan).count() == targets.count()
    assert stored_on == {on}, "every target has a stored assessment for the default date"
    served = {target.code: (assessment, latest) for target, assessment, latest in
              assessed_rows(plan, targets, on)}  # fmt: skip
    fresh_by_area = {area.pk: [] for area in plan.areas.all()}
    for target in targets.with_progress():
        assessment, figure = served[target.code]
        assert assessment == target.assess(on, explain=False), target.code
        fresh_by_area[target.area_id].append(assessment)
        latest = target.latest_record_on(on)
        if latest is None:
            assert figure is None, target.code
            continue
        assert (figure.as_of, figure.value, figure.growth_pct, figure.milestone_id) == (
            latest.as_of,
            latest.value,
            latest.growth_pct,
            latest.milestone_id,
        ), target.code
        if latest.milestone_id:
            assert (figure.milestone.name, figure.milestone.name_en) == (
                latest.milestone.name,
                latest.milestone.name_en,
            )
    # The overview counts in the database and lists its first area only.
    areas, latest_as_of = overview(plan, on)
    assert {area.area.pk: area.counts for area in areas} == {
        pk: tally(assessments) for pk, assessments in fresh_by_area.items()
    }
    first_area = targets.filter(area=areas[0].area).in_report_order()
    assert [row[0].code for row in areas[0].rows] == list(first_area.values_list("code", flat=True))
    assert latest_as_of == (
        ProgressRecord.objects.published().for_plan(plan).filter(as_of__lte=on).latest_as_of()
    )


def publish_demo_progress(plan, until):
    """Month-end published figures for the real plan's targets, spread over the statuses as
    `make demo` spreads them (the report itself has no progress). Written in bulk, which sends
    no signal: the stored assessments are then only what refresh_assessments makes of them
    (and the suite saves the two seconds that 500 single saves take)."""
    ProgressRecord.objects.bulk_create(
        ProgressRecord(target=target, as_of=day, state=ProgressRecord.State.PUBLISHED, **figures)
        for target in Target.objects.for_plan(plan).prefetch_related("milestones")
        if pace_of(target.code) is not None
        for day in month_ends(target.starts_on, min(until, target.deadline))
        if (figures := demo_figures(target, day, pace_of(target.code))) is not None
    )


@pytest.mark.parametrize("day", DATES, ids=str)
def test_stored_and_fresh_assessments_agree_on_the_real_plan(gangmen, time_machine, day):
    publish_demo_progress(gangmen, DAY(2022, 10, 31))
    on_day(time_machine, day)
    call_command("refresh_assessments", verbosity=0)
    assert_stored_agrees_with_fresh(gangmen)
    statuses = set(TargetAssessment.objects.values_list("status", flat=True))
    if day == DAY(2022, 7, 15):
        assert len(statuses) >= 4, f"the demo figures spread over the statuses: {statuses}"


@pytest.mark.parametrize("day", DATES, ids=str)
def test_stored_and_fresh_assessments_agree_on_a_generated_plan(time_machine, day):
    call_command("generate_synthetic", size="S", verbosity=0)
    on_day(time_machine, day)
    call_command("refresh_assessments", verbosity=0)
    [plan] = Plan.objects.all()
    assert_stored_agrees_with_fresh(plan)


def test_generate_synthetic_stores_the_assessments_itself():
    call_command("generate_synthetic", size="S", verbosity=0)
    [plan] = Plan.objects.all()
    assert_stored_agrees_with_fresh(plan)


def test_approving_a_record_recomputes_the_assessment_in_its_transaction(office, time_machine):
    on_day(time_machine, DAY(2022, 7, 1))
    target = office.target_a
    assert target.stored_assessment.status == Status.NO_DATA
    record = make_record(target, DAY(2022, 6, 30), state=ProgressRecord.State.DRAFT, value=D(4))
    record.submit(by=office.reporter_a)
    target.stored_assessment.refresh_from_db()
    assert target.stored_assessment.status == Status.NO_DATA, "a record in review counts not"
    with transaction.atomic():
        record.approve(by=office.leader)
        stored = TargetAssessment.objects.get(target=target)
        assert (stored.status, stored.latest_value) == (Status.ON_TRACK, D(4)), "before commit"


def test_an_approved_correction_replaces_the_stored_figure(office, time_machine):
    on_day(time_machine, DAY(2022, 7, 1))
    target = office.target_a
    published = make_record(target, DAY(2022, 6, 30), value=D(4))
    published.value = D(1)
    correction = published.correct(by=office.reporter_a)
    assert TargetAssessment.objects.get(target=target).latest_value == D(4), "until approved"
    correction.approve(by=office.leader)
    stored = TargetAssessment.objects.get(target=target)
    assert (stored.status, stored.latest_value) == (Status.BEHIND, D(1))


def test_revising_a_goal_recomputes_the_status(office):
    target = office.target_a
    make_record(target, DAY(2022, 12, 31), value=D(5))
    assert TargetAssessment.objects.get(target=target).status == Status.ACHIEVED
    target.revise(on=DAY(2022, 7, 1), reason="上级调整", target_value=D(8))
    assert TargetAssessment.objects.get(target=target).status == Status.OVERDUE


def test_a_new_stage_recomputes_a_milestone_target(plan):
    target = make_target(plan, "M9", kind=Target.Kind.MILESTONE)
    first = target.milestones.create(position=1, name="立项")
    make_record(target, DAY(2022, 12, 31), milestone=first)
    assert TargetAssessment.objects.get(target=target).status == Status.ACHIEVED
    target.milestones.create(position=2, name="竣工")
    assert TargetAssessment.objects.get(target=target).status == Status.OVERDUE


def test_refresh_assessments_moves_the_stored_date_on_with_the_days(plan, time_machine):
    target = make_target(plan, "A9")
    make_record(target, DAY(2022, 3, 31), value=D(1))
    on_day(time_machine, DAY(2022, 4, 1))
    call_command("refresh_assessments", verbosity=0)
    assert TargetAssessment.objects.get(target=target).status == Status.AT_RISK
    on_day(time_machine, DAY(2022, 5, 10))
    call_command("refresh_assessments", verbosity=0)
    stored = TargetAssessment.objects.get(target=target)
    assert (stored.on, stored.status) == (DAY(2022, 5, 10), Status.AT_RISK), "judged on its record"


def test_the_lists_read_the_stored_assessment_on_the_default_date_only(client, plan):
    target = make_target(plan, "A9")
    make_record(target, DAY(2022, 12, 1), value=D(5))
    # Tampered with, to tell the stored row from a fresh assessment.
    TargetAssessment.objects.filter(target=target).update(status=Status.BEHIND)
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "status-behind" in page and "status-achieved" not in page
    page = client.get(plan.get_absolute_url() + "?on=2022-12-15").content.decode()
    assert "status-achieved" in page, "another date is assessed afresh"


def test_a_stored_assessment_for_another_day_is_not_served(client, plan, time_machine):
    target = make_target(plan, "A9")
    make_record(target, DAY(2022, 3, 31), value=D(5))
    on_day(time_machine, DAY(2022, 2, 1))
    call_command("refresh_assessments", verbosity=0)
    assert TargetAssessment.objects.get(target=target).status == Status.NO_DATA
    on_day(time_machine, DAY(2022, 4, 1))  # the daily run has not happened yet
    rows = client.get(f"/api/v1/plans/{plan.jurisdiction.slug}/2022/targets").json()["items"]
    assert [(row["status"], row["status_on"]) for row in rows] == [("achieved", "2022-04-01")]


def test_a_target_import_recomputes_the_stored_assessment(plan, superuser):
    target = make_target(plan, "B1", measure_unit="亿元", target_value=D("1.4"))
    make_record(target, DAY(2022, 12, 31), value=D("1.4"))
    assert TargetAssessment.objects.get(target=target).status == Status.ACHIEVED
    data = xlsx([["编号", "目标值（万元）"], ["B1", "15,000"]])
    resource = TargetResource(plan=plan, user=superuser)
    result = resource.import_data(read_rows(data), file_name="目标.xlsx", user=superuser)
    assert result.messages() == []
    stored = TargetAssessment.objects.get(target=target)
    assert (stored.status, stored.progress_pct) == (Status.OVERDUE, D("93.3"))
