"""Start-up checks of the production defaults: with DEBUG off the site refuses to start while
one of them fails.

They are Django system checks, so `manage.py check --deploy`, `migrate` (which the container
runs before gunicorn) and gunicorn itself (gangmen/wsgi.py) all run them. With DEBUG on
(`make run`, `make test`) they stay silent: the demo accounts and the development key are meant
for a developer's machine.
"""

from pathlib import Path

from django.conf import settings
from django.core import checks
from django.db import DatabaseError

ENV_EXAMPLE = Path(settings.BASE_DIR) / ".env.example"
MIN_SECRET_KEY_LENGTH = 50


def _example_secret_key():
    """The placeholder SECRET_KEY of .env.example, which a copied file may still carry."""
    if not ENV_EXAMPLE.is_file():
        return None
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        name, _, value = line.partition("=")
        if name.strip() == "SECRET_KEY":
            return value.strip()
    return None


@checks.register(checks.Tags.security)
def check_secret_key(app_configs, **kwargs):
    if settings.DEBUG:
        return []
    if _example_secret_key() == settings.SECRET_KEY:
        return [
            checks.Error(
                "SECRET_KEY is still the placeholder from .env.example.",
                hint="Set a long random key: python -c 'import secrets; "
                "print(secrets.token_urlsafe(50))'",
                id="gangmen.E001",
            )
        ]
    if len(settings.SECRET_KEY) < MIN_SECRET_KEY_LENGTH:
        return [
            checks.Error(
                f"SECRET_KEY has {len(settings.SECRET_KEY)} characters; production needs at "
                f"least {MIN_SECRET_KEY_LENGTH}.",
                hint="python -c 'import secrets; print(secrets.token_urlsafe(50))'",
                id="gangmen.E002",
            )
        ]
    return []


@checks.register(checks.Tags.security, checks.Tags.database)
def check_no_demo_password(app_configs, databases=None, **kwargs):
    """No account may still open with the printed demo password. Run where a database is named
    (`migrate`, `check --database default`); it hashes the password once per account."""
    if settings.DEBUG or not databases:
        return []
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import check_password

    from tracking.management.commands.create_demo_official import DEMO_PASSWORD

    try:
        accounts = list(
            get_user_model()
            .objects.filter(is_active=True)
            .exclude(password__startswith="!")  # noqa: S106  # nosec B106 - unusable passwords
            .values_list("username", "password")
        )
    except DatabaseError:  # before the first migrate there are no accounts to check
        return []
    # check_password() of the hashers module, not the user's: it never re-saves the hash.
    weak = [name for name, encoded in accounts if check_password(DEMO_PASSWORD, encoded)]
    if not weak:
        return []
    return [
        checks.Error(
            f"These accounts still accept the demo password: {', '.join(sorted(weak))}.",
            hint="Delete the demo accounts or set real passwords: manage.py changepassword <name>.",
            id="gangmen.E003",
        )
    ]
