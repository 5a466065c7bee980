"""Faults and hostile requests cost the visitor a clear 4xx or 503 page, never a stack trace."""

import logging
import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpResponse
from django.template import loader

logger = logging.getLogger(__name__)

# Seconds a client (or a monitoring probe) is asked to wait before trying again.
RETRY_AFTER_SECONDS = 30


class DatabaseOutageMiddleware:
    """Answer 503 "temporarily unavailable" when a view cannot reach the database.

    The page is rendered without the request's context (no user, no session, no messages), all
    of which would need the database. Nothing needs restarting when the database returns:
    Django drops a connection that raised at the end of the request (and checks reused ones,
    CONN_HEALTH_CHECKS), so the next request connects afresh.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError) or _databases_answer():
            # A query the database refused (SQLite reports a bad pattern or a missing table as
            # an OperationalError too) is a bug to log and fix, not an outage to hide.
            return None
        logger.error("Database unavailable while serving %s: %s", request.path, exception)
        # The session is in the database too. Without it on the request, SessionMiddleware
        # leaves the cookie alone on the way out instead of reading the session again
        # (SESSION_SAVE_EVERY_REQUEST) and turning this 503 into a 500.
        vars(request).pop("session", None)
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response


def _databases_answer():
    """Does every database this request talked to answer a trivial query now?"""
    for connection in connections.all(initialized_only=True):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except DatabaseError:
            return False
    return True


# A number as a query string may write one; at most 10**18 either way fits every column of
# this site (64-bit integers reach 9.2 * 10**18; our decimals have 16 digits).
NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", re.ASCII)
MAX_EXPONENT = 18
YEAR_TRANSFORMS = {"year", "iso_year"}
DATE_START = re.compile(r"(\d{4})-\d{1,2}-\d{1,2}", re.ASCII)
# Lookups the admin would hand to the database as a pattern: a malformed one is a database
# error (a 500), and a crafted one makes the database work hard. No page of ours uses them.
REFUSED_LOOKUPS = ("__regex", "__iregex")


class RejectUnservableQueryMiddleware:
    """Answer 400 to an address no page of this site can serve, before a query is built:

    - a NUL character in the path or query string: PostgreSQL refuses NUL in any string it is
      sent (the driver raises ValueError). Form fields already refuse it (Django's
      ProhibitNullCharactersValidator);
    - a number beyond what a database column holds, alone or in a comma-separated list
      (``?id__in=1,99999999999999999999``, ``?value__gt=1e999999``): the drivers raise
      OverflowError, PostgreSQL "value overflows numeric format";
    - a year outside 2–9998 in a year lookup (``?date_joined__year=99999``), or a date at the
      very edge of the calendar (``?updated_at__gte=0001-01-01``): converting its bounds between
      time zones leaves the calendar (OverflowError, ValueError);
    - a regular-expression lookup (``?name__regex=(``) in an admin list's filters.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info:
            raise SuspiciousOperation("NUL character in the request address")
        for key, values in request.GET.lists():
            if key.endswith(REFUSED_LOOKUPS):
                raise SuspiciousOperation(f"refused lookup in the query string: {key[:100]}")
            for value in [key, *values]:
                if "\x00" in value:
                    raise SuspiciousOperation("NUL character in the request address")
                if any(_overflows(part) for part in value.split(",")):
                    raise SuspiciousOperation("number too large in the query string")
            if any(_outside_the_calendar(key, value) for value in values):
                raise SuspiciousOperation("date outside the calendar in the query string")
        return self.get_response(request)


def _overflows(text):
    """Is this a number (``99999999999999999999``, ``1e999999``) beyond what a database column
    holds? Words and ordinary numbers pass."""
    text = text.strip()
    if not NUMBER.fullmatch(text):
        return False
    number = Decimal(text)
    return number != 0 and not -MAX_EXPONENT <= number.adjusted() <= MAX_EXPONENT


def _outside_the_calendar(key, value):
    """A year (of a ``__year`` lookup, or of a date written YYYY-MM-DD) outside 2–9998."""
    if YEAR_TRANSFORMS & set(key.split("__")[1:]):
        return not all(
            part.strip().isascii() and part.strip().isdigit() and 1 < int(part) < 9999
            for part in value.split(",")
        )
    written = DATE_START.match(value.strip())
    return written is not None and not 1 < int(written.group(1)) < 9999


class RequestBodyLimitMiddleware:
    """Answer 413 to a request whose declared body is larger than the largest upload this site
    accepts (REQUEST_MAX_BYTES), before any of it is read. Django's own limit
    (DATA_UPLOAD_MAX_MEMORY_SIZE) leaves file uploads out, and a proxy's limit may be missing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > settings.REQUEST_MAX_BYTES:
            return HttpResponse(
                loader.render_to_string("413.html", {"limit_mb": settings.REQUEST_MAX_BYTES >> 20}),
                status=413,
            )
        return self.get_response(request)
