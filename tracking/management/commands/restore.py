"""Restore a backup archive into an empty, migrated database (see tracking/backups.py)."""

import shutil
import sys
import tempfile

from django.core.management.base import BaseCommand, CommandError

from tracking.backups import BackupError, restore_backup


class Command(BaseCommand):
    help = "把 backup 生成的备份文件恢复到刚执行过 migrate 的空数据库，并放回佐证材料文件。"

    def add_arguments(self, parser):
        parser.add_argument("archive", help="备份文件路径；“-”从标准输入读取。")

    def handle(self, *args, archive, **options):
        try:
            if archive == "-":
                # tarfile needs to seek: keep the stream in a temporary file first.
                with tempfile.TemporaryFile() as copy:
                    shutil.copyfileobj(sys.stdin.buffer, copy)
                    copy.seek(0)
                    counts = restore_backup(copy)
            else:
                with open(archive, "rb") as source:
                    counts = restore_backup(source)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"已恢复 {sum(counts.values())} 行数据。")
