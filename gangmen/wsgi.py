import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gangmen.settings")
application = get_wsgi_application()


def _refuse_unsafe_production_settings():
    """gunicorn, unlike runserver, runs no system checks: run the ones that make the site refuse
    to start (gangmen/checks.py; silent with DEBUG on), so a worker with a placeholder key never
    serves a request. The demo-password check hashes once per account, too slow for every
    worker: `migrate`, which the container runs before gunicorn, runs it once."""
    from django.conf import settings
    from django.core import checks
    from django.core.exceptions import ImproperlyConfigured

    if settings.DEBUG:
        return
    serious = [
        error for error in checks.run_checks(tags=[checks.Tags.security]) if error.is_serious()
    ]
    if serious:
        raise ImproperlyConfigured("\n".join(str(error) for error in serious))


_refuse_unsafe_production_settings()
