"""Caching of the public pages and the open-data API until the published data change.

Every cached response is stored with the *data version* it was made from, under a key holding
the language, the day (a page without ``?on=`` judges on a date that follows today), the scheme
and host the request was made to (the API's absolute links are built from them, so a request
with another Host header cannot plant its links in what others are served), the path and the
query parameters the view reads — ``on``, the date judged on, for every public page and the
targets API. The version lives in the cache itself, so with Redis every gunicorn worker and host
shares it; ``data_changed()`` moves it on, and from then on an entry made from an older version
is rendered afresh when next asked for, and replaced.

``data_changed()`` is called by the signals of the models the public pages show (connected in
``TrackingConfig.ready``) and by the bulk writes that bypass signals (spreadsheet import).
"""

import hashlib
import logging
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation

logger = logging.getLogger(__name__)

VERSION_KEY = "public-data-version"


def _without_cache_if_down(operation, fallback=None):
    """The cache only saves work. If it is unreachable (Redis down), log it and carry on
    without it: pages are then rendered afresh, and saving data never fails because of it."""
    try:
        return operation()
    except Exception:
        logger.warning("cache unavailable; serving the public pages uncached", exc_info=True)
        return fallback


def data_version(known=None):
    """The current data version: ``known`` (as just read from the cache along with a page), or
    read now. A missing version (first start, or evicted from a local-memory cache) starts from
    the clock, never from 1: a restarted count could meet entries cached under its old
    numbers."""
    version = known if known is not None else cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def _bump():
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # evicted in between: any fresh value will do
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)


def _bump_if_up():
    _without_cache_if_down(_bump)


def data_changed():
    """Invalidate every cached public response: now, and again when the transaction commits.

    Now, so that nothing cached before the write is served; on commit, because another worker
    may have cached the old data (still all it could see) while the transaction was open.
    """
    _bump_if_up()
    transaction.on_commit(_bump_if_up)


def cached_public(*, params=()):
    """Serve a public view from the cache, keyed by language, day, address and the query
    parameters the view reads (``params``; others cannot multiply the entries). Each entry holds
    the data version it was made from and is served only while that is the current version:
    the version and the entry are read in one round trip to the cache."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            query = "&".join(f"{name}={request.GET.get(name, '')}" for name in params)
            address = hashlib.sha256(
                f"{request.scheme}://{request.get_host()}{request.path}?{query}".encode()
            ).hexdigest()
            key = ":".join(
                [
                    "public",
                    translation.get_language() or "",
                    timezone.localdate().isoformat(),
                    address,
                ]
            )
            found = _without_cache_if_down(lambda: cache.get_many([VERSION_KEY, key]))
            if found is None:
                return view(request, *args, **kwargs)
            version = _without_cache_if_down(lambda: data_version(found.get(VERSION_KEY)))
            entry = found.get(key)
            if entry is not None and entry[0] == version:
                return entry[1]
            response = view(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
            # Only complete, visitor-independent answers are kept.
            if version is not None and response.status_code == 200 and not response.cookies:
                _without_cache_if_down(
                    lambda: cache.set(key, (version, response), settings.PUBLIC_CACHE_SECONDS)
                )
            return response

        return wrapper

    return decorator


def on_public_data_saved(sender, **kwargs):
    data_changed()
