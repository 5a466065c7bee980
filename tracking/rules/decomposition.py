"""A decomposed target's progress, derived from its sub-tasks' monthly nodes.

The rule: every monthly node of every sub-task is a stage of the parent. On a date,
progress = nodes completed by then ÷ all nodes, expected = nodes due by then ÷ all nodes, and the
status follows from these by the one status rule (tracking/rules/status.py, as for a staged task: on
track, at risk within 10 points, behind, overdue after the target's deadline, achieved when every
node is done). Nodes are judged on the date itself: a node not marked done by then is not done.
A sub-task with more nodes therefore weighs more, in proportion to the work it was given.

This is the office's own view of the work (the 督查 report shows it); the target's public status
stays the one its published progress records give.
"""

from tracking.rules import status
from tracking.rules.choices import Kind


def assess(target, subtasks, on):
    """The derived assessment of ``target`` on ``on`` from ``subtasks`` (with their nodes
    prefetched), or None when it has no node."""
    nodes = [node for subtask in subtasks for node in subtask.nodes.all()]
    if not nodes:
        return None
    facts = status.TargetFacts(
        kind=Kind.MILESTONE,
        direction=target.direction,
        starts_on=target.starts_on,
        deadline=target.deadline,
        latest_as_of=on,
        stage_count=len(nodes),
        stages_reached=sum(1 for node in nodes if node.is_done_by(on)),
        stage_due_dates=[node.due_on for node in nodes],
    )
    return status.assess(facts, on)


def subtask_progress(subtask, on):
    """(nodes done by ``on``, nodes due by ``on``, all nodes) of one sub-task."""
    nodes = list(subtask.nodes.all())
    return (
        sum(1 for node in nodes if node.is_done_by(on)),
        sum(1 for node in nodes if node.due_on <= on),
        len(nodes),
    )
