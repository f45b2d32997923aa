"""manage.py import_people FILE --owner ORG_ID [--roster ID] [--valid-only] [--dry-run]

Checks the whole file, prints every mistake by row and column, and writes
nothing unless every row is right (or --valid-only). Progress goes to stderr.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ingest.columns import HeaderError
from ingest.reading import FileRejected
from ingest.services import import_file
from orgs.models import Organization
from people.models import Roster


class Progress:
    """A text progress bar on stderr, redrawn in place."""

    def __init__(self, label: str, stream: Any = None) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.started = time.perf_counter()
        self.last = -1

    def __call__(self, done: int, total: int) -> None:
        percent = 100 * done // total if total else 100
        if percent == self.last:
            return
        self.last = percent
        filled = percent * 30 // 100
        bar = "█" * filled + "░" * (30 - filled)
        elapsed = time.perf_counter() - self.started
        self.stream.write(f"\r{self.label} {bar} {percent:3d}% {done}/{total} ({elapsed:.1f} s)")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


class Command(BaseCommand):
    help = (
        "Nhập danh sách người từ tệp .xlsx/.xls/.ods/.csv "
        "(kiểm tra trước; có lỗi thì không ghi gì)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--owner", type=int, required=True, help="id of the owning organisation"
        )
        parser.add_argument("--roster", type=int, help="also add everyone to this roster")
        parser.add_argument("--valid-only", action="store_true", help="import the valid rows only")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and report, write nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"Không thấy tệp {path}")
        try:
            owner = Organization.objects.select_related("territory").get(pk=options["owner"])
        except Organization.DoesNotExist:
            raise CommandError(f"Không có đơn vị id={options['owner']}") from None
        roster = None
        if options["roster"]:
            try:
                roster = Roster.objects.get(pk=options["roster"])
            except Roster.DoesNotExist:
                raise CommandError(f"Không có danh sách id={options['roster']}") from None
        started = time.perf_counter()
        try:
            outcome = import_file(
                path.read_bytes(),
                owner=owner,
                actor=None,
                roster=roster,
                valid_only=options["valid_only"],
                write=not options["dry_run"],
                progress=Progress(path.name, self.stderr._out),
                source=path.name,
            )
        except (FileRejected, HeaderError) as error:
            raise CommandError(str(error)) from None
        result = outcome.check
        for row_error in result.errors:
            column = f" [{row_error.column}]" if row_error.column else ""
            self.stdout.write(f"Dòng {row_error.row}{column}: {row_error.message}")
        counts = result.counts
        self.stdout.write(
            f"{len(result.plans)} dòng: {counts['create']} tạo mới, {counts['update']} cập nhật, "
            f"{counts['merge']} gộp, {counts['reject']} lỗi "
            f"({time.perf_counter() - started:.1f} s)."
        )
        if outcome.written is not None:
            w = outcome.written
            extra = (
                f"; danh sách: thêm {w.roster_added}, đã có {w.roster_present}" if roster else ""
            )
            self.stdout.write(
                self.style.SUCCESS(
                    f"Đã ghi: {w.created} mới, {w.updated} cập nhật, {w.merged} gộp{extra}."
                )
            )
        elif options["dry_run"]:
            self.stdout.write("Chạy thử (--dry-run): không ghi gì.")
        else:
            self.stdout.write(
                self.style.ERROR(
                    "Có lỗi: không ghi gì (dùng --valid-only để chỉ nhập các dòng hợp lệ)."
                )
            )
            raise CommandError(f"{len(result.errors)} lỗi, không ghi gì.")
