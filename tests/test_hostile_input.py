"""Hostile input: every URL the site has, tried with what an attacker sends; user text escaped.

The URL patterns are enumerated from the resolver, not listed by hand, so pages added later are
walked too. Each parameter is tried with unknown ids, huge numbers, odd encodings and script or
SQL payloads (the others keep a valid value, so the view itself is reached), and every page with
hostile query strings. Nothing may answer 500; a public page answers 400 or 404.
"""

import datetime
from decimal import Decimal as D
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.utils.regex_helper import normalize

from tests.conftest import make_record
from tracking.models import ProgressRecord

pytestmark = pytest.mark.django_db

HOSTILE_VALUES = [
    "0",
    "-1",
    "2147483648",
    "9223372036854775808",
    "9" * 40,
    "<script>alert(1)</script>",
    "' OR '1'='1",
    "1;DROP TABLE tracking_target--",
    "%00",
    "%ff%fe",  # not UTF-8
    "%C0%AF",  # overlong encoding of "/"
    "..%2F..%2Fetc%2Fpasswd",
    "%252e%252e",  # double encoding
    "%E2%80%AE",  # right-to-left override
    "港门镇😀",
    "a" * 300,
]
HOSTILE_QUERIES = [
    "page=99999999999999999999",
    "p=-1",
    "o=999.-x",
    "q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "on=2022-13-45",
    "%ff=%fe",
    "q=%00",
    "next=%2F%2Fevil.example",
    "id__in=1,2)%3B--",
]
# Parts of the site that require a login; everything else is public.
PRIVATE_PREFIXES = ("admin/", "office/")
# Behind the login, the admin's dozens of pages share one lookup code path per kind of page: one
# payload of each family keeps the walk fast (the public pages get all of them).
PRIVATE_HOSTILE_VALUES = [
    "-1",
    "9" * 40,
    "<script>alert(1)</script>",
    "' OR '1'='1",
    "%00",
    "%ff%fe",
]
PRIVATE_HOSTILE_QUERIES = ["p=-1", "o=999.-x", "q=%00", "%ff=%fe", "id__in=1,2)%3B--"]


def url_templates(patterns=None, prefix=""):
    """Every URL of the site as a format string and its parameter names."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        regex = prefix + pattern.pattern.regex.pattern.removeprefix("^")
        if isinstance(pattern, URLResolver):
            yield from url_templates(pattern.url_patterns, regex)
        else:
            yield from normalize(regex)


@pytest.fixture
def site(office, superuser):
    """A little of everything, and a valid value for each URL parameter name we know."""
    record = make_record(office.target_a, datetime.date(2022, 3, 31), value=D(2), note="说明")
    valid = {
        "jurisdiction": office.plan.jurisdiction.slug,
        "year": str(office.plan.year),
        "code": office.target_a.code,
        "position": "0",
        "pk": str(record.pk),
        "object_id": str(office.target_a.pk),
        "app_label": "tracking",
    }
    return valid, record


def fill(template, params, valid, hostile_param=None, hostile_value=""):
    values = {name: valid.get(name, "1") for name in params}
    if hostile_param:
        values[hostile_param] = hostile_value
    return "/" + template % {name: quote(value, safe="%") for name, value in values.items()}


def hostile_requests(valid):
    """(url, is_public, value is hostile) for every template, parameter and payload."""
    for template, params in url_templates():
        public = not template.startswith(PRIVATE_PREFIXES)
        for param in params:
            for value in HOSTILE_VALUES if public else PRIVATE_HOSTILE_VALUES:
                if value != valid.get(param):
                    yield fill(template, params, valid, param, value), public, True
        # Query strings go to lists and public pages; an admin object's page ignores them.
        if public or not params:
            base = fill(template, params, valid)
            for query in HOSTILE_QUERIES if public else PRIVATE_HOSTILE_QUERIES:
                yield f"{base}?{query}", public, False


def walk(client, valid):
    failures = []
    for url, public, hostile_path in hostile_requests(valid):
        status = client.get(url).status_code
        if status >= 500 or (public and hostile_path and status not in (400, 404)):
            failures.append(f"{status} {url[:120]}")
    return failures


def test_no_url_answers_500_to_an_anonymous_visitor(site):
    valid, _record = site
    client = Client(raise_request_exception=False)
    assert walk(client, valid) == []


def test_no_url_answers_500_to_a_superuser(site, superuser):
    valid, _record = site
    client = Client(raise_request_exception=False)
    client.force_login(superuser)
    assert walk(client, valid) == []


# User text. Every name and note an official can type is shown escaped, wherever it is shown.

SCRIPT = '<script>alert("x")</script>'
IMAGE = "<img src=x onerror=alert(1)>"
FORMULA = '=HYPERLINK("http://evil.example","点击")'


@pytest.fixture
def hostile_text(office):
    office.unit_a.name = f"单位{IMAGE}"
    office.unit_a.save()
    office.target_a.name = f"目标{SCRIPT}"
    office.target_a.save()
    published = make_record(
        office.target_a,
        datetime.date(2022, 3, 31),
        value=D(2),
        note=f"说明{SCRIPT}",
        shortfall_reason=f"原因{IMAGE}",
    )
    submitted = make_record(
        office.target_a,
        datetime.date(2022, 4, 30),
        state=ProgressRecord.State.SUBMITTED,
        value=D(3),
        note=FORMULA,
    )
    submitted.return_for_changes(by=office.leader, reason=f"退回{SCRIPT}")
    return published, submitted


def assert_escaped(html, where):
    for raw in (SCRIPT, IMAGE):
        assert raw not in html, f"{where} shows {raw} unescaped"
    assert "&lt;script&gt;" in html or "&lt;img" in html, f"{where} does not show the text at all"


def test_user_text_is_escaped_on_public_and_office_pages(client, office, hostile_text):
    published, returned = hostile_text
    plan_args = [office.plan.jurisdiction.slug, office.plan.year]
    for url in (
        reverse("tracking:home"),
        reverse("tracking:plan", args=plan_args),
        reverse("tracking:target", args=[*plan_args, office.target_a.code]),
    ):
        assert_escaped(client.get(url).content.decode(), url)
    client.force_login(office.reporter_a)
    for url in (reverse("office:my_targets"), reverse("office:edit_record", args=[returned.pk])):
        assert_escaped(client.get(url).content.decode(), url)


def test_user_text_is_escaped_in_the_admin(client, office, hostile_text, superuser):
    published, _returned = hostile_text
    client.force_login(superuser)
    for url in (
        reverse("admin:tracking_target_changelist"),
        reverse("admin:tracking_target_change", args=[office.target_a.pk]),
        reverse("admin:tracking_target_history", args=[office.target_a.pk]),
        reverse("admin:tracking_progressrecord_changelist"),
        reverse("admin:tracking_progressrecord_change", args=[published.pk]),
        reverse("admin:tracking_unit_changelist"),
    ):
        assert_escaped(client.get(url).content.decode(), url)


def test_user_text_in_the_public_report_is_text_never_a_formula(client, office, hostile_text):
    from io import BytesIO

    from openpyxl import load_workbook

    url = reverse("tracking:plan_report", args=[office.plan.jurisdiction.slug, office.plan.year])
    response = client.get(url)
    assert response["Content-Disposition"].startswith("attachment;")
    cells = [c for sheet in load_workbook(BytesIO(response.content)) for row in sheet for c in row]
    assert not any(cell.data_type == "f" for cell in cells), "a formula in the report"
    assert f"目标{SCRIPT}" in {cell.value for cell in cells}, "the name is kept as plain text"


# Found by trying as a logged-in official would (issue 11): each answered 500 (or a false 503)
# before the query-string guard in gangmen/middleware.py.
LOGGED_IN_QUERIES = [
    # Regular-expression lookups: a malformed pattern is a database error.
    "/admin/auth/user/?username__regex=(",
    "/admin/tracking/progressrecord/?note__regex=(",
    "/admin/tracking/progressrecord/?note__iregex=[",
    # Numbers beyond a database column, alone, in a list, in a date drill-down, as decimals.
    "/admin/tracking/target/?id__in=1,99999999999999999999",
    "/admin/tracking/progressrecord/?as_of__year=99999999999999999999",
    "/admin/tracking/progressrecord/?as_of__year=2022&as_of__month=99999999999999999999",
    "/admin/tracking/progressrecord/?as_of__year=2022&as_of__month=3&as_of__day=9" + "9" * 20,
    "/admin/tracking/progressrecord/export/?target__id__exact=99999999999999999999",
    "/admin/tracking/progressrecord/?value__gt=1e999999",
    "/admin/tracking/target/?plan__id__exact=-99999999999999999999",
    "/api/v1/plans/?page=99999999999999999999",
    # Years and dates whose bounds leave the calendar once converted between time zones.
    "/admin/auth/user/?date_joined__year=99999",
    "/admin/auth/user/?date_joined__year__gt=99999",
    "/admin/auth/user/?date_joined__iso_year=0",
    "/admin/tracking/progressrecord/?updated_at__year=10000",
    "/admin/tracking/progressrecord/?entered_at__year=-1",
    "/admin/tracking/progressrecord/?as_of__year__lt=10000",
    "/admin/tracking/progressrecord/?updated_at__gte=0001-01-01",
]


@pytest.mark.parametrize("url", LOGGED_IN_QUERIES)
def test_unservable_query_strings_answer_400_to_a_logged_in_user(client, office, superuser, url):
    client.raise_request_exception = False
    client.force_login(superuser)
    assert client.get(url).status_code == 400


@pytest.mark.parametrize(
    ("value", "refused"),
    [
        ("9223372036854775807", False),  # the largest 64-bit integer still fits
        ("99999999999999999999", True),
        ("-99999999999999999999", True),
        ("1,2,99999999999999999999", True),
        ("1e18", False),
        ("1e19", True),
        ("1e-30", True),
        ("0e999", False),  # zero, however written
        ("12345678901234567", False),  # an 18-digit identity number fits
        ("港门镇99999999999999999999", False),  # words are searched for, not computed with
        ("inf", False),
        ("2022-03-31", False),
    ],
)
def test_which_numbers_in_a_query_string_are_refused(value, refused):
    from gangmen.middleware import _overflows

    assert any(_overflows(part) for part in value.split(",")) is refused


@pytest.mark.parametrize(
    ("key", "value", "refused"),
    [
        ("as_of__year", "2022", False),
        ("as_of__year", "9999", True),
        ("as_of__year", "1", True),
        ("as_of__year", "-1", True),
        ("as_of__year__in", "2021,2022", False),
        ("as_of__year__in", "2021,99999", True),
        ("year", "99999", False),  # a field named year: an integer, Django handles its range
        ("as_of__gte", "2022-03-31", False),
        ("updated_at__gte", "0001-01-01", True),
        ("updated_at__lt", "9999-12-31 23:59", True),
        ("q", "港门镇 2022-03", False),
    ],
)
def test_which_years_in_a_query_string_are_refused(key, value, refused):
    from gangmen.middleware import _outside_the_calendar

    assert _outside_the_calendar(key, value) is refused
