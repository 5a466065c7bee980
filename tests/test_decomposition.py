"""Sub-tasks (分解任务): the parent's progress derived from the monthly nodes, who may edit them,
and how the supervision report shows them."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.conftest import make_target, make_user
from tracking import roles
from tracking.models import SubTask, SubTaskNode
from tracking.office import supervision
from tracking.rules import decomposition
from tracking.rules.choices import Status

D = datetime.date


def _subtask(target, position, nodes, **fields):
    subtask = SubTask.objects.create(
        target=target, position=position, name=f"分解任务{position}", **fields
    )
    for due_on, completed_on in nodes:
        SubTaskNode.objects.create(
            subtask=subtask, due_on=due_on, goal=f"{due_on:%m}月节点", completed_on=completed_on
        )
    return subtask


@pytest.fixture
def decomposed(plan):
    target = make_target(plan, "A1", name="新建厂房")
    _subtask(
        target,
        1,
        [
            (D(2022, 1, 31), D(2022, 1, 20)),
            (D(2022, 2, 28), D(2022, 2, 25)),
            (D(2022, 3, 31), None),
        ],
        leader_in_charge="副镇长 张三",
        measures="每月调度一次",
    )
    _subtask(target, 2, [(D(2022, 3, 31), D(2022, 3, 30)), (D(2022, 6, 30), D(2022, 6, 2))])
    return target


def _derived(target, on):
    return decomposition.assess(target, target.subtasks.all(), on)


@pytest.mark.parametrize(
    ("on", "progress", "expected", "status"),
    [
        # 5 nodes in all. On 28 Feb: 2 done, 2 due.
        (D(2022, 2, 28), "40.0", "40.0", Status.ON_TRACK),
        # 31 Mar: 3 done (20 Jan, 25 Feb, 30 Mar), 4 due: 20 points behind.
        (D(2022, 3, 31), "60.0", "80.0", Status.BEHIND),
        # 15 Mar: 2 done, 2 due; the node completed on 30 Mar does not count yet.
        (D(2022, 3, 15), "40.0", "40.0", Status.ON_TRACK),
        # 30 Jun: 4 done, 5 due.
        (D(2022, 6, 30), "80.0", "100.0", Status.BEHIND),
        # after the deadline with a node never done.
        (D(2023, 1, 15), "80.0", "100.0", Status.OVERDUE),
    ],
)
def test_the_parent_progress_is_nodes_done_over_all_nodes(
    decomposed, on, progress, expected, status
):
    derived = _derived(decomposed, on)
    assert (str(derived.progress_pct), str(derived.expected_pct), derived.status) == (
        progress,
        expected,
        status,
    )


def test_every_node_done_is_achieved_and_a_near_miss_is_at_risk(plan):
    target = make_target(plan, "A2")
    nodes = [(D(2022, m, 28), D(2022, m, 27)) for m in range(1, 10)] + [(D(2022, 10, 28), None)]
    _subtask(target, 1, nodes)
    # 9 of 10 done, 10 due: 10 points behind, within the at-risk margin.
    assert _derived(target, D(2022, 10, 31)).status == Status.AT_RISK
    SubTaskNode.objects.filter(completed_on=None).update(completed_on=D(2022, 10, 30))
    assert _derived(target, D(2022, 10, 31)).status == Status.ACHIEVED


def test_a_target_without_nodes_has_no_derived_progress(plan):
    target = make_target(plan, "A3")
    SubTask.objects.create(target=target, position=1, name="未排节点")
    assert _derived(target, D(2022, 6, 30)) is None


def test_the_public_status_stays_the_targets_own(decomposed):
    # No published record: the public status is "no data", whatever the nodes say.
    assert decomposed.assess(D(2022, 3, 31)).status == Status.NO_DATA


def test_a_completion_date_in_the_future_is_refused(decomposed):
    node = SubTaskNode(
        subtask=decomposed.subtasks.first(),
        due_on=D(2022, 12, 31),
        goal="年底",
        completed_on=D(2999, 1, 1),
    )
    with pytest.raises(ValidationError) as error:
        node.full_clean()
    assert error.value.message_dict == {"completed_on": ["完成日期不能晚于今天。"]}


def test_the_supervision_report_shows_sub_tasks_in_fixed_queries(
    client, decomposed, django_assert_num_queries
):
    report = supervision.build(decomposed.plan, D(2022, 3, 31))
    (line,) = report.decomposed
    assert (line.target.code, line.derived.status) == ("A1", Status.BEHIND)
    client.force_login(make_user("observer", roles.OBSERVER))
    url = reverse("tracking:supervision", args=decomposed.plan.url_args) + "?on=2022-03-31"
    client.get(url)
    # as test_supervision's 13, plus the sub-tasks' nodes, however many sub-tasks there are
    with django_assert_num_queries(14):
        page = client.get(url).content.decode()
    assert "副镇长 张三" in page and "每月调度一次" in page
    assert "2022-01-20完成" in page and "未完成" in page


@pytest.mark.parametrize(
    ("role", "target", "can_change"),
    [
        ("statistician", "target_a", True),
        ("admin", "target_b", True),
        ("leader_a", "target_a", True),
        ("leader_a", "target_b", False),
        ("reporter_a", "target_a", False),
        ("observer", "target_a", False),
    ],
)
def test_who_may_change_a_sub_task_follows_its_target(client, office, role, target, can_change):
    subtask = _subtask(getattr(office, target), 1, [(D(2022, 6, 30), None)])
    client.force_login(getattr(office, role))
    url = reverse("admin:tracking_subtask_change", args=[subtask.pk])
    data = {
        "target": subtask.target_id,
        "position": 1,
        "name": "改过的名称",
        "responsible_unit": "",
        "leader_in_charge": "",
        "measures": "",
        "nodes-TOTAL_FORMS": 0,
        "nodes-INITIAL_FORMS": 0,
    }
    client.post(url, data)
    subtask.refresh_from_db()
    assert (subtask.name == "改过的名称") is can_change, role


def test_a_reporter_sees_only_their_units_sub_tasks(client, office):
    _subtask(office.target_a, 1, [])
    _subtask(office.target_b, 1, [])
    client.force_login(office.reporter_a)
    page = client.get(reverse("admin:tracking_subtask_changelist")).content.decode()
    assert "A1-1" in page and "B1-1" not in page


def test_the_sub_task_list_runs_as_many_queries_for_1_as_for_12(client, office):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(office.statistician)
    url = reverse("admin:tracking_subtask_changelist")

    def queries():
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context)

    _subtask(office.target_a, 1, [(D(2022, 6, 30), None)])
    queries()  # warm the session
    one = queries()
    for position in range(2, 13):
        _subtask(office.target_b, position, [(D(2022, 3, 31), D(2022, 3, 1))])
    assert queries() == one
