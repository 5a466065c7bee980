"""EXPLAIN ANALYZE of every query the public pages run, and of the officials' queries that grow
with the data, for the benchmark notes (bench/EXPLAIN.md).

Run against a database filled by generate_synthetic, before and after a migration:
    DATABASE_URL=postgres://root@127.0.0.1:5432/bench_m .venv/bin/python bench/explain.py
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.pages import PAGES, sample_objects  # noqa: E402 - sets Django up
from tracking.models import ProgressRecord, Target  # noqa: E402
from tracking.rules.reporting import current_period  # noqa: E402


def office_queries(plan):
    """The officials' queries over all records, as tracking/office/views.py builds them."""
    return {
        "review queue (review_list(), awaiting_review().count())": (
            ProgressRecord.objects.awaiting_review().order_by("updated_at")
        ),
        "a reporter's open records (my_targets() prefetch)": (
            ProgressRecord.objects.exclude(state=ProgressRecord.State.PUBLISHED)
            .filter(target__plan=plan)
            .order_by("target_id", "as_of")
        ),
        "reporting status of a plan's targets (with_report_status())": (
            Target.objects.filter(plan=plan).with_report_status(current_period(plan=plan))
        ),
    }


def explain(sql):
    prefix = "EXPLAIN ANALYZE " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql)
        return "\n".join(" ".join(map(str, row)) for row in cursor.fetchall())


def main():
    plan, target = sample_objects()
    client = Client()
    print(f"{connection.vendor}, {ProgressRecord.objects.count():,} progress records\n")
    for name, url_of in PAGES.items():
        url = url_of(plan, target)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        for number, query in enumerate(queries.captured_queries, start=1):
            print(f"### {name} ({url}), query {number}\n\n```\n{query['sql']}\n\n")
            print(f"{explain(query['sql'])}\n```\n")
    options = {"analyze": True} if connection.vendor == "postgresql" else {}
    for name, queryset in office_queries(plan).items():
        print(f"### {name}\n\n```\n{queryset.query}\n\n{queryset.explain(**options)}\n```\n")


if __name__ == "__main__":
    main()
