"""Settings for `make bench` only: the site's own settings plus a trivial view to measure the
framework floor against. Production and tests never load this module."""

import os
import warnings

from gangmen.settings import *  # noqa: F403 - the benchmark measures the real site

ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]  # noqa: F405 - the test client's host name
# Pages are measured without collectstatic: hashed file names would not change their cost.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
warnings.filterwarnings("ignore", "No directory at", UserWarning)  # whitenoise, as in tests
# Plain HTTP on loopback: no redirect to https.
SECURE_SSL_REDIRECT = False
# The load test of uncached pages (bench/run.py): no cache at all, every request renders.
if os.environ.get("BENCH_UNCACHED") == "1":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
