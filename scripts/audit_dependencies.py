"""Audit the installed dependencies with pip-audit, and say so plainly when that was impossible.

pip-audit asks a vulnerability service (PyPI's JSON API) about every installed package. Where
that service cannot be reached — an intranet, a registry mirror that serves only packages — it
skips each package and still reports "No known vulnerabilities found". This script tells the
three outcomes apart:

- vulnerabilities found: listed, exit 1;
- every package audited and clean: exit 0;
- some or all packages could not be audited: "NOT AUDITED" with the reason, exit 0, so that
  CI on a machine without the service still passes but nobody mistakes it for a clean audit.
"""

import json
import subprocess  # nosec B404
import sys
from pathlib import Path

PIP_AUDIT = Path(sys.executable).with_name("pip-audit")


def main():
    # pip-audit of this virtual environment, with fixed arguments.
    result = subprocess.run(  # noqa: S603  # nosec B603
        [str(PIP_AUDIT), "--skip-editable", "--progress-spinner", "off", "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    lines, status = verdict(result.stdout, result.stderr)
    print("\n".join(lines))
    return status


def verdict(output, errors=""):
    """(lines to print, exit status) for pip-audit's JSON output."""
    try:
        dependencies = json.loads(output)["dependencies"]
    except (json.JSONDecodeError, KeyError):
        reason = (errors.strip().splitlines() or ["no output"])[-1]
        return [f"NOT AUDITED: pip-audit could not run or reach its service ({reason})"], 0
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if "skip_reason" in d]
    lines = []
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions", [])) or "no fixed version yet"
            name = f"{dependency['name']} {dependency['version']}"
            lines.append(f"VULNERABLE {name}: {vuln['id']} ({fixed})")
    if skipped:
        lines.append(
            f"NOT AUDITED: {len(skipped)} of {len(dependencies)} installed packages could not be "
            f"checked (is the vulnerability service reachable?), e.g. {skipped[0]['skip_reason']}"
        )
    audited = len(dependencies) - len(skipped)
    lines.append(
        f"pip-audit: {audited} packages audited, {len(vulnerable)} with known vulnerabilities"
    )
    return lines, 1 if vulnerable else 0


if __name__ == "__main__":
    sys.exit(main())
