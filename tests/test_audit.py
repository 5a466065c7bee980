"""make audit never mistakes "could not check" for "nothing found"."""

import json

import pytest

from scripts.audit_dependencies import verdict

CLEAN = {"name": "django", "version": "5.2.19", "vulns": []}
VULNERABLE = {
    "name": "django",
    "version": "5.2.0",
    "vulns": [{"id": "PYSEC-2025-1", "fix_versions": ["5.2.1"]}],
}
SKIPPED = {"name": "django", "skip_reason": "Dependency not found on PyPI and could not be audited"}


@pytest.mark.parametrize(
    ("dependencies", "says", "status"),
    [
        ([CLEAN], "1 packages audited, 0 with known vulnerabilities", 0),
        ([VULNERABLE], "VULNERABLE django 5.2.0: PYSEC-2025-1 (5.2.1)", 1),
        ([SKIPPED, SKIPPED], "NOT AUDITED: 2 of 2 installed packages could not be checked", 0),
        ([CLEAN, SKIPPED], "NOT AUDITED: 1 of 2", 0),
    ],
)
def test_audit_verdict(dependencies, says, status):
    lines, exit_status = verdict(json.dumps({"dependencies": dependencies, "fixes": []}))
    assert any(says in line for line in lines), lines
    assert exit_status == status


def test_pip_audit_failing_to_run_is_not_audited_not_a_failure():
    lines, status = verdict("", "ConnectionError: pypi.org unreachable")
    assert lines == [
        "NOT AUDITED: pip-audit could not run or reach its service "
        "(ConnectionError: pypi.org unreachable)"
    ]
    assert status == 0
