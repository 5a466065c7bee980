"""Back up the database and the evidence files to one archive (see tracking/backups.py)."""

import sys

from django.core.management.base import BaseCommand
from django.utils import timezone

from tracking.backups import create_backup, open_private


class Command(BaseCommand):
    help = "把数据库中的全部数据和佐证材料文件备份为一个 .tar.gz 文件（用 restore 恢复）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help="备份文件路径；“-”写到标准输出。默认 gangmen-backup-<时间>.tar.gz。",
        )

    def handle(self, *args, output=None, **options):
        if output == "-":
            create_backup(sys.stdout.buffer)
            return
        output = output or timezone.localtime().strftime("gangmen-backup-%Y%m%d-%H%M%S.tar.gz")
        with open_private(output) as destination:
            counts = create_backup(destination)
        self.stdout.write(f"已备份 {sum(counts.values())} 行数据到 {output}")
