"""A database that cannot be reached costs the visitor a friendly page, never a stack trace."""

import logging

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
