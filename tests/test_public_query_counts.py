"""Every public page and API endpoint runs the same number of queries whatever the data size:
measured on the Gangmen plan and on a generated plan of 300 targets with 3,600 records."""

import datetime
from decimal import Decimal as D

import pytest

from tests.conftest import make_large_plan, make_record
from tracking.models import Plan, Target

pytestmark = pytest.mark.django_db

# URL (relative to the plan) → queries, uncached (each test starts with an empty cache). The
# lists read the stored assessments on the default date: one query for the targets with their
# assessment, where assessing afresh reads the targets, their stages and their records (with
# the records' stages) — three queries fewer (see ASKED_DATE below for the other dates). The
# overview asks the database for its counts per area and status (with the latest figure's date)
# and reads the rows of its first area only: plan, areas, counts, main rows, contradictions,
# other years. An area page and a target page read their plan with the area or target.
PLAN_PAGES = {
    "": 6,
    "print/": 3,
    "review/": 2,
    "areas/{area}/": 2,
    "targets/{target}/": 5,
    "report.xlsx": 5,
    "areas/{area}/report.xlsx": 6,
}
API = {
    "/api/v1/plans": 1,
    "/api/v1/plans?format=csv": 1,
    "/api/v1/plans/{slug}/{year}/targets": 2,
    "/api/v1/plans/{slug}/{year}/targets?format=csv": 2,
    "/api/v1/plans/{slug}/{year}/results": 2,
    "/api/v1/plans/{slug}/{year}/results?format=csv": 2,
    "/api/v1/openapi.json": 0,
}


@pytest.fixture
def gangmen_with_progress(gangmen):
    """The real plan with a few published records (the report itself has none), one of them at
    a stage: records at a stage cost one more query (their stages), as in the large plan."""
    for code, fields in [("M1", {"growth_pct": D("6.5")}), ("A1-04", {"value": D(2)})]:
        make_record(
            Target.objects.get(plan=gangmen, code=code), datetime.date(2022, 3, 31), **fields
        )
    staged = Target.objects.get(plan=gangmen, code="A1-01")
    make_record(staged, datetime.date(2022, 3, 31), milestone=staged.milestones.first())
    return gangmen, "A1-01"


@pytest.fixture
def large(db):
    plan = make_large_plan()
    return plan, "G3-02"


@pytest.fixture(params=["gangmen_with_progress", "large"])
def sized_plan(request):
    return request.getfixturevalue(request.param)


def _fill(path, plan, code):
    target = Target.objects.get(plan=plan, code=code)
    return path.format(
        area=target.area.position, target=code, slug=plan.jurisdiction.slug, year=plan.year
    )


@pytest.mark.parametrize(("path", "count"), PLAN_PAGES.items())
def test_every_public_page_runs_a_fixed_number_of_queries(
    client, sized_plan, django_assert_num_queries, path, count
):
    plan, code = sized_plan
    url = plan.get_absolute_url() + _fill(path, plan, code)
    with django_assert_num_queries(count):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(("path", "count"), API.items())
def test_every_api_endpoint_runs_a_fixed_number_of_queries(
    client, sized_plan, django_assert_num_queries, path, count
):
    plan, code = sized_plan
    url = _fill(path, plan, code)
    with django_assert_num_queries(count):
        assert client.get(url).status_code == 200


def test_home_runs_a_fixed_number_of_queries(client, sized_plan, django_assert_num_queries):
    plan, _ = sized_plan
    assert Plan.objects.current() == plan, "the home page shows this plan"
    with django_assert_num_queries(6):
        assert client.get("/").status_code == 200


# Asked for a date the stored assessments are not for: the stored ones are read (and found to be
# for another date), then every target is assessed afresh — four queries more than from storage
# (the overview: five more, as it also asks for the latest figure's date on its own).
ASKED_DATE = {
    "?on=2022-06-30": 11,
    "print/?on=2022-06-30": 7,
    "areas/{area}/?on=2022-06-30": 6,
}


@pytest.mark.parametrize(("path", "count"), ASKED_DATE.items())
def test_a_page_asked_for_another_date_runs_a_fixed_number_of_queries(
    client, sized_plan, django_assert_num_queries, path, count
):
    plan, code = sized_plan
    url = plan.get_absolute_url() + _fill(path, plan, code)
    with django_assert_num_queries(count):
        assert client.get(url).status_code == 200


def test_a_cached_page_runs_no_query(client, large, django_assert_num_queries):
    plan, _ = large
    client.get(plan.get_absolute_url())
    with django_assert_num_queries(0):
        assert client.get(plan.get_absolute_url()).status_code == 200
