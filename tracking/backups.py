"""Backups: the whole tracker in one archive, and back again into an empty database.

An archive (.tar.gz) holds
- ``data.json``: every row that is not rebuilt by ``migrate`` — plans, areas, targets, stages,
  progress records, review events, evidence file references, previous-year results, import runs,
  units, users and role groups, the admin's log, and every history entry — dumped with natural
  keys, so content types and permissions are matched by name in the new database;
- ``media/``: the evidence files (MEDIA_ROOT);
- ``manifest.json``: when, the migrations the data belongs to, and how many rows of each model,
  which a restore checks before it commits.

Left out, because they are transient or rebuilt: sessions, login attempts (django-axes), uploads
waiting for their import confirmation, content types and permissions.
"""

import io
import json
import os
import shutil
import tarfile
import tempfile
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = 1
DATA = "data.json"
MANIFEST = "manifest.json"
MEDIA = "media"
LEFT_OUT = ["contenttypes", "auth.permission", "sessions", "axes", "tracking.pendingimport"]
# Rows a migration creates in every new database (the role groups): a restore matches them by
# name, and the new database may hold one the old one had deleted.
CREATED_BY_MIGRATIONS = {"auth.group"}


class BackupError(Exception):
    """A backup that cannot be restored here; nothing was written."""


def open_private(path):
    """Open a backup file for writing that only its owner can read (mode 0600): it holds every
    user's password hash and every record. An existing file is truncated and made private too."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)
    return os.fdopen(descriptor, "wb")


def create_backup(destination):
    """Write the archive to ``destination`` (a binary file object); return the row counts."""
    with tempfile.TemporaryDirectory() as work, _snapshot():
        data = Path(work) / DATA
        call_command(
            "dumpdata",
            exclude=LEFT_OUT,
            natural_foreign=True,
            natural_primary=True,
            output=str(data),
            verbosity=0,
        )
        counts = _counts(json.loads(data.read_text()))
        manifest = {
            "format": FORMAT,
            "created": timezone.now().isoformat(),
            "migrations": _applied_migrations(),
            "counts": counts,
        }
        with tarfile.open(fileobj=destination, mode="w:gz") as archive:
            _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=1).encode())
            archive.add(data, arcname=DATA)
            media_root = Path(settings.MEDIA_ROOT)
            if media_root.is_dir():
                archive.add(media_root, arcname=MEDIA)
    return counts


def restore_backup(source):
    """Load an archive (a binary file object) into this empty, migrated database.

    All rows are loaded in one transaction and counted against the manifest before it commits;
    then the evidence files are put back under MEDIA_ROOT. Return the row counts.
    """
    with (
        tarfile.open(fileobj=source, mode="r:gz") as archive,
        tempfile.TemporaryDirectory() as work,
    ):
        manifest = json.load(archive.extractfile(MANIFEST))
        _check_compatible(manifest)
        _check_empty()
        archive.extract(DATA, work, filter="data")
        with transaction.atomic(), _history_paused():
            call_command("loaddata", str(Path(work) / DATA), verbosity=0)
            restored = {
                label: apps.get_model(label)._base_manager.count() for label in manifest["counts"]
            }
            if _lost_or_duplicated(manifest["counts"], restored):
                raise BackupError(
                    _("恢复后的行数与备份清单不符，已全部撤销：%(diff)s")
                    % {"diff": _differences(manifest["counts"], restored)}
                )
        media = [m for m in archive.getmembers() if m.name.startswith(MEDIA + "/")]
        archive.extractall(work, members=media, filter="data")
        if (Path(work) / MEDIA).is_dir():
            shutil.copytree(Path(work) / MEDIA, settings.MEDIA_ROOT, dirs_exist_ok=True)
    return restored


@contextmanager
def _snapshot():
    """One consistent view of all tables while they are read, even if officials keep saving."""
    if connection.in_atomic_block:  # already in a transaction (tests): that one's view is used
        yield
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


@contextmanager
def _history_paused():
    """Loading the rows must not add history about the loading: the history is in the backup.
    simple-history skips the raw saves of loaddata, but not the many-to-many changes (unit
    members, co-units) it makes afterwards. Only ever used by the restore command's process."""
    enabled = getattr(settings, "SIMPLE_HISTORY_ENABLED", True)
    settings.SIMPLE_HISTORY_ENABLED = False
    try:
        yield
    finally:
        settings.SIMPLE_HISTORY_ENABLED = enabled


def _counts(rows):
    return dict(sorted(Counter(row["model"] for row in rows).items()))


def _applied_migrations():
    applied = MigrationRecorder(connection).applied_migrations()
    return sorted(f"{app}.{name}" for app, name in applied)


def _check_compatible(manifest):
    if manifest.get("format") != FORMAT:
        raise BackupError(_("无法识别的备份格式。"))
    missing = set(manifest["migrations"]) - set(_applied_migrations())
    if missing:
        raise BackupError(
            _(
                "备份来自更新的程序版本，本数据库缺少这些迁移：%(missing)s。"
                "请先升级程序并运行 migrate。"
            )
            % {"missing": "、".join(sorted(missing))}
        )


def _check_empty():
    """Restoring over live data would mix two states of the tracker: refuse."""
    occupied = [
        str(model._meta.verbose_name)
        for model in (apps.get_model("auth.User"), apps.get_model("tracking.Plan"))
        if model._base_manager.exists()
    ]
    if occupied:
        raise BackupError(
            _("数据库中已有数据（%(models)s），只能恢复到刚执行过 migrate 的空数据库。")
            % {"models": "、".join(occupied)}
        )


def _lost_or_duplicated(expected, found):
    return any(
        found[label] < count or (found[label] > count and label not in CREATED_BY_MIGRATIONS)
        for label, count in expected.items()
    )


def _differences(expected, found):
    return "；".join(
        f"{label} {expected[label]} → {found.get(label)}"
        for label in expected
        if expected[label] != found.get(label)
    )


def _add_bytes(archive, name, content):
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mtime = int(timezone.now().timestamp())
    archive.addfile(info, io.BytesIO(content))
