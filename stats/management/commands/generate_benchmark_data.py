"""`manage.py generate_benchmark_data --scale tiny|province|national`."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from core.progress import ProgressBar
from geo.models import AdminUnit
from stats.benchdata import DEFAULT_PROVINCE, SCALES, Generator


class Command(BaseCommand):
    help = (
        "Sinh dữ liệu mô phỏng cho thống kê: tỉnh (20.000 người, 800 lớp) hoặc toàn quốc "
        "(1.000.000 người, 2.500.000 lượt học viên, 40.000 lớp, 12.000.000 lượt điểm danh)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=sorted(SCALES), default="province")
        parser.add_argument(
            "--province",
            default=DEFAULT_PROVINCE,
            help="old-map province for the tiny and province scales (folded name)",
        )
        parser.add_argument("--seed", type=int, default=2017)

    def handle(self, *args: Any, **options: Any) -> None:
        if not AdminUnit.objects.exists():
            raise CommandError(
                "Chưa có địa giới hành chính: chạy `manage.py load_geography` trước."
            )
        scale = SCALES[options["scale"]]
        bar = ProgressBar(self.stdout, total=1, label=f"Dữ liệu ({options['scale']})")

        def progress(done: int, total: int, label: str) -> None:
            bar.total = max(total, 1)
            bar.update(done, label)

        started = time.monotonic()
        generator = Generator(
            scale, province=options["province"], seed=options["seed"], progress=progress
        )
        try:
            totals = generator.run()
        except ValueError as error:
            raise CommandError(str(error)) from None
        bar.finish()
        seconds = time.monotonic() - started
        self.stdout.write(
            f"{connection.vendor}: {totals.people:,} người, {totals.classes:,} lớp, "
            f"{totals.sessions:,} buổi, {totals.enrollments:,} lượt học viên "
            f"(+{totals.withdrawn:,} đã rút), {totals.marks:,} lượt điểm danh, "
            f"{totals.results:,} kết quả, {totals.plans:,} kế hoạch trong {seconds:.1f} s"
        )
