"""Faults: the database goes away and comes back; a save or an import fails half-way.

An outage is simulated where it really shows: every new cursor fails with the database driver's
own OperationalError, which Django wraps and marks the connection with, as when the server is
down or the network drops. Removing the fault must be enough for the site to answer again.
"""

import datetime
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection
from django.urls import reverse

from tests.conftest import make_record, make_target
from tests.spreadsheet_files import xlsx
from tracking.models import EvidenceFile, ImportRun, ProgressRecord, ReviewEvent
from tracking.spreadsheets import read_rows
from tracking.spreadsheets.resources import ProgressRecordResource

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


class DatabaseOutage:
    """Switch the database off and on again for this process's connection."""

    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch

    def start(self):
        def unreachable(name=None):
            raise connection.Database.OperationalError("could not connect to server")

        self.monkeypatch.setattr(connection, "create_cursor", unreachable)

    def end(self):
        self.monkeypatch.undo()


@pytest.fixture
def outage(monkeypatch):
    return DatabaseOutage(monkeypatch)


def public_urls(target):
    plan_args = [target.plan.jurisdiction.slug, target.plan.year]
    return [
        reverse("tracking:home"),
        reverse("tracking:plan", args=plan_args),
        reverse("tracking:target", args=[*plan_args, target.code]),
        reverse("tracking:plan_report", args=plan_args),
    ]


@pytest.mark.parametrize(
    ("language", "message"), [("zh-hans", "暂时无法访问"), ("en", "Temporarily unavailable")]
)
def test_public_pages_answer_a_friendly_503_and_recover_by_themselves(
    client, plan, outage, language, message
):
    target = make_target(plan, "A1")
    make_record(target, datetime.date(2022, 3, 31), value=D(2), note="已公开的进度")
    client.cookies["django_language"] = language

    outage.start()
    for url in public_urls(target):
        response = client.get(url)
        page = response.content.decode()
        assert response.status_code == 503, f"{url}: {response.status_code}"
        assert response["Retry-After"] == "30"
        assert message in page, f"{url} does not answer in {language}"
        assert "Traceback" not in page and "could not connect" not in page, url

    outage.end()
    for url in public_urls(target):
        assert client.get(url).status_code == 200, f"{url} did not recover"
    assert "已公开的进度" in client.get(public_urls(target)[2]).content.decode()


def test_an_official_logged_in_during_the_outage_gets_the_503_too(client, office, outage):
    client.force_login(office.reporter_a)
    outage.start()
    response = client.get(reverse("office:my_targets"))
    assert response.status_code == 503
    outage.end()
    assert client.get(reverse("office:my_targets")).status_code == 200


def test_a_save_that_fails_half_way_leaves_no_record_no_evidence_and_no_file(
    client, office, settings, tmp_path, monkeypatch
):
    """The submitted record, its review event and the first evidence file are written, then
    saving the second evidence row hits the outage."""
    settings.MEDIA_ROOT = tmp_path
    save_evidence = EvidenceFile.save
    saved = []

    def connection_lost_on_the_second(self, *args, **kwargs):
        if saved:
            raise OperationalError("server closed the connection unexpectedly")
        saved.append(save_evidence(self, *args, **kwargs))

    monkeypatch.setattr(EvidenceFile, "save", connection_lost_on_the_second)
    # The connection is gone: the outage middleware's probe finds no database either. (The
    # real outage, every cursor failing, would also break the test's own transaction.)
    monkeypatch.setattr("gangmen.middleware._databases_answer", lambda: False)
    client.force_login(office.reporter_a)
    response = client.post(
        reverse("office:report", args=[office.target_a.pk]),
        {
            "as_of": "2022-03-31",
            "value": "3",
            "note": "半途失败",
            "action": "submit",
            "evidence": [SimpleUploadedFile("合同.pdf", PDF), SimpleUploadedFile("协议.pdf", PDF)],
        },
    )
    assert response.status_code == 503
    assert not ProgressRecord.objects.exists()
    assert not ProgressRecord.history.exists(), "a history entry of a save that never happened"
    assert not EvidenceFile.objects.exists() and not ReviewEvent.objects.exists()
    assert [path for path in tmp_path.rglob("*") if path.is_file()] == [], "orphan evidence file"


def test_an_import_that_fails_half_way_writes_nothing(plan, superuser, monkeypatch):
    """New rows and an update are written, then recording the run hits the outage."""
    invest = make_target(plan, "A1", measure_unit="亿元", target_value=D("1.4"))
    firms = make_target(plan, "A2", name="引进企业", measure_unit="家", target_value=D(5))
    draft = make_record(
        firms, datetime.date(2022, 3, 31), state=ProgressRecord.State.DRAFT, value=D(1)
    )
    before = (ProgressRecord.history.count(), draft.version)
    data = xlsx(
        [
            ["目标编号", "截至日期", "累计实际值"],
            ["A1", "2022-03-31", "0.3"],
            ["A1", "2022-04-30", "0.5"],
            ["A2", "2022-03-31", "2"],
        ]
    )

    def connection_lost(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(ImportRun.objects, "create", connection_lost)
    resource = ProgressRecordResource(plan=plan, user=superuser)
    with pytest.raises(OperationalError):
        resource.import_data(read_rows(data), file_name="进度.xlsx", user=superuser)

    assert not invest.records.exists()
    draft.refresh_from_db()
    assert (draft.value, draft.version) == (D(1), before[1])
    assert ProgressRecord.history.count() == before[0]
    assert not ImportRun.objects.exists()


def test_a_query_the_database_refuses_is_an_error_not_an_outage(client, plan, monkeypatch):
    """SQLite reports a bad query (here a missing table) as OperationalError, as it does an
    unreachable file: the middleware asks the database before showing the outage page."""
    from django.db import transaction

    from tracking.models import Plan

    def broken_query(*args, **kwargs):
        # In a savepoint, as the view's own transaction would be: the connection stays usable.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT * FROM no_such_table")

    monkeypatch.setattr(Plan.objects, "current", broken_query)
    client.raise_request_exception = False
    response = client.get(reverse("tracking:home"))
    assert response.status_code == 500, "a programming error is logged as one, not hidden"
    assert "暂时无法访问" not in response.content.decode()
