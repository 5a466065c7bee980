"""The work report as data: who plans (Jurisdiction), what they plan each year (Plan, TaskArea,
Target, Milestone), what they achieved the year before (PreviousYearResult) and how the year is
going (ProgressRecord).

Figures are Decimals in the unit the report prints them in (17.1 with unit 亿元); converting between
units is never done silently.

Officials belong to units (Unit.members); a progress record moves DRAFT → SUBMITTED → PUBLISHED or
RETURNED (or is WITHDRAWN) through its transition methods, each leaving a ReviewEvent. Who may see
which rows is in the QuerySets' scopes below (tracking/rules/access.py explains the rule and checks
single objects); every model here keeps its history (django-simple-history).

Each concern is a module of this package; every name is imported here, so that
`from tracking.models import Target` (and the migrations' dotted paths) stay as they are.
"""

# In the order they build on each other: plans, then targets, then progress. The later ones
# are asked for by the earlier ones only when called (imported at their ends).
# isort: off
from tracking.models.base import (
    PERCENT,
    FIGURE,
    NOTHING,
    EVERYTHING,
    local_minute,
    EditConflict,
    VersionedModel,
)
from tracking.models.plans import Jurisdiction, UnitQuerySet, Unit, PlanQuerySet, Plan, TaskArea
from tracking.models.targets import (
    TargetQuerySet,
    Target,
    Milestone,
    TargetAssessmentQuerySet,
    TargetAssessment,
    refresh_stored_assessments,
)
from tracking.models.progress import (
    ProgressRecordQuerySet,
    evidence_path,
    ProgressRecord,
    ReviewEvent,
    EvidenceFile,
)
from tracking.models.results import PreviousYearResult
from tracking.models.imports import ImportRun, PendingImport
from tracking.models.drafts import ReportDraft, ProposedArea, Proposal
from tracking.models.subtasks import SubTask, SubTaskNode
# isort: on

__all__ = [
    "PERCENT",
    "FIGURE",
    "NOTHING",
    "EVERYTHING",
    "local_minute",
    "EditConflict",
    "VersionedModel",
    "Jurisdiction",
    "UnitQuerySet",
    "Unit",
    "PlanQuerySet",
    "Plan",
    "TaskArea",
    "TargetQuerySet",
    "Target",
    "Milestone",
    "TargetAssessmentQuerySet",
    "TargetAssessment",
    "refresh_stored_assessments",
    "ProgressRecordQuerySet",
    "evidence_path",
    "ProgressRecord",
    "ReviewEvent",
    "EvidenceFile",
    "PreviousYearResult",
    "ImportRun",
    "PendingImport",
    "ReportDraft",
    "ProposedArea",
    "Proposal",
    "SubTask",
    "SubTaskNode",
]
