"""The names of the roles (Django groups) and the permission codes the rules ask for.

Model-free, so that tracking/access.py, the admin, the officials' pages, the templates (through
tracking.context_processors.roles) and the migration that creates the groups all spell them
from here. The names are data stored in the database: renaming one needs a data migration.
"""

ADMINISTRATOR = "系统管理员"
LEADER = "审核领导"
REPORTER = "填报员"
STATISTICIAN = "统计人员"
OBSERVER = "观察员"

# Reviewing progress records (a custom permission of ProgressRecord, held by 审核领导).
REVIEW_RECORDS = "tracking.review_progressrecord"

# The import permissions the import feature checks (custom model permissions), by model.
IMPORT_PERMISSIONS = {
    "progressrecord": "tracking.import_progressrecord",
    "target": "tracking.import_target",
    "previousyearresult": "tracking.import_previousyearresult",
}
