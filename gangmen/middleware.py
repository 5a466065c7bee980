"""Faults and hostile requests cost the visitor a clear 4xx or 503 page, never a stack trace."""

import logging

from django.core.exceptions import SuspiciousOperation
from django.db import InterfaceError, OperationalError
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
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("Database unavailable while serving %s: %s", request.path, exception)
        # The session is in the database too. Without it on the request, SessionMiddleware
        # leaves the cookie alone on the way out instead of reading the session again
        # (SESSION_SAVE_EVERY_REQUEST) and turning this 503 into a 500.
        vars(request).pop("session", None)
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response


class RejectNulCharactersMiddleware:
    """Answer 400 to an address whose path or query string holds a NUL character.

    No address of this site has one, and PostgreSQL refuses NUL in any string it is sent: the
    driver raises ValueError, which would be a 500 wherever a URL part reaches a query.
    Form fields already refuse it (Django's ProhibitNullCharactersValidator).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            raise SuspiciousOperation("NUL character in the request address")
        return self.get_response(request)
