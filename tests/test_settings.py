"""Settings come from the environment and refuse what they cannot use."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def load_settings(**env):
    """Import the settings in a fresh interpreter with exactly these variables set."""
    clean = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")}
    return subprocess.run(
        [sys.executable, "-c", "import gangmen.settings as s; print(s.DEBUG, s.ALLOWED_HOSTS)"],
        cwd=REPO,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_without_secret_key_stops_with_a_clear_error():
    result = load_settings(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_with_secret_key_starts():
    result = load_settings(DEBUG="0", SECRET_KEY="x" * 50, ALLOWED_HOSTS="a.example,b.example")
    assert result.stdout.strip() == "False ['a.example', 'b.example']", result.stderr


@pytest.mark.parametrize("value", ["maybe", "2"])
def test_unclear_debug_value_is_refused(value):
    result = load_settings(DEBUG=value)
    assert "DEBUG must be" in result.stderr


def test_without_a_chosen_language_dates_are_written_in_chinese_on_shanghai_time():
    import datetime

    from django.template import engines
    from django.utils import translation

    translation.deactivate()  # as a request that chose no language: the default applies
    template = engines["django"].from_string('{{ at|date:"Y年n月j日 H:i l" }}')
    at = datetime.datetime(2022, 3, 31, 16, 30, tzinfo=datetime.UTC)
    assert template.render({"at": at}) == "2022年4月1日 00:30 星期五"
