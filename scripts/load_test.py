"""Load test with writes: readers browse the public pages while officials submit progress.

    make load-test                     # SQLite file in a temporary folder
    LOAD_DATABASE_URL=postgres://root@127.0.0.1:5432/gangmen_load make load-test

The database is created afresh (the PostgreSQL one dropped first if it exists), migrated and
loaded with the 2022 report; OFFICIALS reporters of one unit (co-unit of every target) are
created. gunicorn serves the production settings (DEBUG=0) on loopback. READERS threads fetch
the home, plan and target pages and the report workbook as fast as they can; each official logs
in through the admin and submits RECORDS progress records through the phone form (GET the form,
POST it with its CSRF token), each with a unique note, while a leader approves them from the
review page as they arrive. When the officials are done and the queue is empty the readers stop,
and the database must hold every submitted record exactly once, published, with one submit and
one approve event — and no request may have failed.

Why a threaded script and not locust: the test is a fixed amount of work whose every write is
checked afterwards, not a sustained rate. Threads with one requests.Session each (cookies, CSRF)
do exactly that in ~200 lines without gevent's monkey-patching, and print the few figures the
README reports.
"""

import os
import random
import re
import secrets
import shutil
import socket
import statistics
import subprocess  # nosec B404
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

import requests

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
READERS = int(os.environ.get("READERS", "12"))
OFFICIALS = int(os.environ.get("OFFICIALS", "6"))
RECORDS = int(os.environ.get("RECORDS", "25"))
WORKERS = int(os.environ.get("GUNICORN_WORKERS", "3"))
PASSWORD = secrets.token_urlsafe(12)
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
REVIEW_LINK = re.compile(r'href="/office/review/(\d+)/"')


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare_environment(work):
    database_url = os.environ.get("LOAD_DATABASE_URL", f"sqlite:///{work / 'load.sqlite3'}")
    if database_url.startswith("postgres"):
        recreate_postgres_database(database_url)
    return {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        # Loopback stands in for the TLS proxy: plain HTTP, no redirect.
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(work / "media"),
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "gangmen.settings",
    }


def recreate_postgres_database(url):
    import psycopg2

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(url.replace(parts.path, "/postgres"))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def manage(env, *args):
    command = [str(BIN / "python"), "manage.py", *args]
    subprocess.run(command, cwd=REPO, env=env, check=True)  # noqa: S603  # nosec B603


def set_up_site(env):
    """Migrate, load the report, create the officials; return the targets they report on."""
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "load_report", "fixtures/gangmen_2022.toml", "-v", "0")
    manage(env, "collectstatic", "--noinput", "-v", "0")
    os.environ.update(env)
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from tracking import roles
    from tracking.models import Plan, Target, Unit

    plan = Plan.objects.current()
    unit = Unit.objects.create(jurisdiction=plan.jurisdiction, name="负载测试单位")
    targets = list(Target.objects.filter(plan=plan, kind=Target.Kind.AMOUNT))
    for target in targets:
        target.co_units.add(unit)
    reporters = Group.objects.get(name=roles.REPORTER)
    for number in range(OFFICIALS):
        user = get_user_model().objects.create_user(
            f"official{number}", password=PASSWORD, is_staff=True
        )
        user.groups.add(reporters)
        unit.members.add(user)
    # A leader in no unit reviews every target.
    leader = get_user_model().objects.create_user("leader", password=PASSWORD, is_staff=True)
    leader.groups.add(Group.objects.get(name=roles.LEADER))
    public = [
        "/",
        plan.get_absolute_url(),
        *[target.get_absolute_url() for target in Target.objects.filter(plan=plan)],
    ]
    report = f"/{plan.jurisdiction.slug}/{plan.year}/report.xlsx"
    return [target.pk for target in targets], public, report


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.seconds = defaultdict(list)
        # First start and last end of each kind of request: its rate is over its own window.
        self.window = {}
        self.failures = []

    def timed(self, kind, call, expected):
        started = time.perf_counter()
        try:
            response = call()
            status = response.status_code
        except requests.RequestException as error:
            response, status = None, repr(error)
        ended = time.perf_counter()
        elapsed = ended - started
        with self.lock:
            self.seconds[kind].append(elapsed)
            first, _last = self.window.get(kind, (started, ended))
            self.window[kind] = (min(first, started), ended)
            if status != expected:
                self.failures.append(f"{kind}: {status} (expected {expected})")
        return response


class LoopbackSession(requests.Session):
    """A browser on loopback, which stands in for the HTTPS proxy: the production cookies are
    Secure, and requests would not send them back over plain HTTP."""

    def request(self, *args, **kwargs):
        response = super().request(*args, **kwargs)
        for cookie in self.cookies:
            cookie.secure = False
        return response


def logged_in(base, username, tally):
    browser = LoopbackSession()
    login = base + "/admin/login/"
    page = tally.timed("login", lambda: browser.get(login), 200)
    token = TOKEN.search(page.text).group(1)
    form = {"username": username, "password": PASSWORD, "next": "/office/"}
    tally.timed(
        "login",
        lambda: browser.post(login, {**form, "csrfmiddlewaretoken": token}, allow_redirects=False),
        302,
    )
    return browser


def official(base, number, target_pks, tally, submitted):
    browser = logged_in(base, f"official{number}", tally)
    # Random choices of targets and values, not secrets.
    rng = random.Random(number)  # noqa: S311  # nosec B311
    for index in range(RECORDS):
        url = f"{base}/office/targets/{rng.choice(target_pks)}/report/"
        page = tally.timed("submit", lambda url=url: browser.get(url), 200)
        token = TOKEN.search(page.text).group(1)
        note = f"load-{number}-{index}"
        entry = {
            "as_of": f"2022-{1 + index % 12:02d}-{1 + index % 28:02d}",
            "value": str(rng.randint(0, 500)),
            "note": note,
            "action": "submit",
            "csrfmiddlewaretoken": token,
        }
        tally.timed(
            "submit",
            lambda url=url, entry=entry: browser.post(url, entry, allow_redirects=False),
            302,
        )
        submitted.append(note)


def leader(base, tally, approved, officials_done):
    """Approves what is waiting, as it arrives, until the officials are done and none is left;
    the readers see the published figures appear."""
    browser = logged_in(base, "leader", tally)
    while True:
        waiting = tally.timed("review", lambda: browser.get(base + "/office/review/"), 200)
        pks = REVIEW_LINK.findall(waiting.text)
        if not pks:
            if officials_done.is_set():
                return
            time.sleep(0.2)
            continue
        for pk in pks:
            url = f"{base}/office/review/{pk}/"
            page = tally.timed("review", lambda url=url: browser.get(url), 200)
            decision = {
                "decision": "approve",
                "version": VERSION.search(page.text).group(1),
                "csrfmiddlewaretoken": TOKEN.search(page.text).group(1),
            }
            tally.timed(
                "review",
                lambda url=url, decision=decision: browser.post(
                    url, decision, allow_redirects=False
                ),
                302,
            )
            approved.append(int(pk))


def reader(base, public, report, tally, stop):
    browser = LoopbackSession()
    rng = random.Random()  # noqa: S311  # nosec B311
    while not stop.is_set():
        if rng.random() < 0.05:
            tally.timed("report", lambda: browser.get(base + report), 200)
        else:
            path = rng.choice(public)
            tally.timed("read", lambda path=path: browser.get(base + path), 200)


def check_every_write(submitted, approved):
    from tracking.models import ProgressRecord, ReviewEvent

    records = ProgressRecord.objects.filter(note__startswith="load-")
    notes = list(records.values_list("note", flat=True))
    events = ReviewEvent.objects.filter(record__in=records)
    return {
        "submitted by officials": len(submitted),
        "records in the database": len(notes),
        "missing": len(set(submitted) - set(notes)),
        "duplicated": len(notes) - len(set(notes)),
        "approved by the leader": len(approved),
        "published": records.filter(state=ProgressRecord.State.PUBLISHED).count(),
        "submit events": events.filter(action=ReviewEvent.Action.SUBMIT).count(),
        "approve events": events.filter(action=ReviewEvent.Action.APPROVE).count(),
    }


def figures(kind, seconds, window):
    elapsed = window[1] - window[0]
    ms = sorted(s * 1000 for s in seconds)
    p95 = ms[int(len(ms) * 0.95) - 1] if len(ms) > 1 else ms[0]
    return (
        f"{kind:<7} {len(ms):>6} requests {len(ms) / elapsed:>7.1f}/s   "
        f"median {statistics.median(ms):>6.0f} ms   p95 {p95:>6.0f} ms   max {ms[-1]:>6.0f} ms"
    )


def main():
    work = Path(tempfile.mkdtemp(prefix="gangmen-load-"))
    env = prepare_environment(work)
    target_pks, public, report = set_up_site(env)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(  # noqa: S603  # nosec B603
        [
            str(BIN / "gunicorn"),
            "gangmen.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--log-level",
            "warning",
        ],
        cwd=REPO,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                if requests.get(base + "/", timeout=10).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        tally, submitted, approved = Tally(), [], []
        stop, officials_done = threading.Event(), threading.Event()
        readers = [
            threading.Thread(target=reader, args=(base, public, report, tally, stop))
            for _ in range(READERS)
        ]
        officials = [
            threading.Thread(target=official, args=(base, n, target_pks, tally, submitted))
            for n in range(OFFICIALS)
        ]
        reviewer = threading.Thread(target=leader, args=(base, tally, approved, officials_done))
        started = time.perf_counter()
        for thread in [*readers, *officials, reviewer]:
            thread.start()
        for thread in officials:
            thread.join()
        officials_done.set()
        reviewer.join()
        stop.set()
        for thread in readers:
            thread.join()
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    database = env["DATABASE_URL"].split(":", 1)[0]
    print(
        f"\n{database}, gunicorn {WORKERS} workers, {READERS} readers, "
        f"{OFFICIALS} officials × {RECORDS} records, 1 leader, {elapsed:.1f} s"
    )
    for kind in ("read", "report", "login", "submit", "review"):
        if tally.seconds[kind]:
            print(figures(kind, tally.seconds[kind], tally.window[kind]))
    check = check_every_write(submitted, approved)
    for name, value in check.items():
        print(f"{name:<24} {value}")
    print(f"failed requests          {len(tally.failures)}")
    for failure in tally.failures[:10]:
        print("  ", failure)
    shutil.rmtree(work, ignore_errors=True)
    expected = OFFICIALS * RECORDS
    ok = (
        not tally.failures
        and check["missing"] == check["duplicated"] == 0
        and check["records in the database"] == check["submit events"] == expected
        # Every record published exactly once, each by one approval.
        and check["approved by the leader"] == check["published"] == expected
        and check["approve events"] == expected
        and len(set(approved)) == expected
    )
    print("LOAD TEST PASSED" if ok else "LOAD TEST FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
