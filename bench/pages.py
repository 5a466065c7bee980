"""Latency and query count of every public page, cached and uncached, against the trivial view.

Run by bench/run.py in a database that generate_synthetic has filled; prints one JSON object.
Requests go through Django's test client, i.e. the whole middleware stack in this process but no
socket, so the ratio to the trivial view measures the page's own cost. (The HTTP path, with
gunicorn, is what the load test measures.)
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from tracking.models import Plan, Target  # noqa: E402

REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))

# Every public page and API endpoint, one row each: a name and how to find its URL in the data.
PAGES = {
    "home": lambda plan, target: "/",
    "plan": lambda plan, target: plan.get_absolute_url(),
    "area": lambda plan, target: target.area.get_absolute_url(),
    "target": lambda plan, target: target.get_absolute_url(),
    "print": lambda plan, target: reverse("tracking:plan_print", args=plan.url_args),
    "review": lambda plan, target: reverse("tracking:previous_year", args=plan.url_args),
    "api plans": lambda plan, target: reverse("api:plans"),
    "api targets": lambda plan, target: reverse("api:targets", args=plan.url_args),
    "api targets csv": lambda plan, target: (
        reverse("api:targets", args=plan.url_args) + "?format=csv"
    ),
    "api results": lambda plan, target: reverse("api:results", args=plan.url_args),
}


def sample_objects():
    """The newest plan of the last town (the largest ids: no lucky early rows) and a target
    with stages in it."""
    plan = Plan.objects.select_related("jurisdiction").order_by("-jurisdiction__slug", "-year")[0]
    target = Target.objects.filter(plan=plan, kind=Target.Kind.MILESTONE).order_by("-code")[0]
    return plan, target


def measure(client, url, *, cached):
    """Median and p95 in milliseconds, and the queries of one request."""
    client.get(url)  # warm: the first request of a process compiles templates and fills caches
    seconds = []
    for _ in range(REPEAT):
        if not cached:
            cache.clear()
        started = time.perf_counter()
        response = client.get(url)
        seconds.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    if not cached:
        cache.clear()
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return {
        "median_ms": statistics.median(seconds) * 1000,
        "p95_ms": statistics.quantiles(seconds, n=20)[18] * 1000,
        "queries": len(queries),
    }


def main():
    client = Client()
    plan, target = sample_objects()
    floor = measure(client, "/bench/trivial/", cached=False)
    pages = []
    for name, url_of in PAGES.items():
        url = url_of(plan, target)
        pages.append(
            {
                "page": name,
                "url": url,
                "uncached": measure(client, url, cached=False),
                "cached": measure(client, url, cached=True),
            }
        )
    print(json.dumps({"vendor": connection.vendor, "trivial": floor, "pages": pages}))


if __name__ == "__main__":
    main()
