"""`manage.py refresh_stats`: recompute the statistics pre-aggregates now."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from stats.services import aggregates_refresh


class Command(BaseCommand):
    help = "Tính lại số liệu tổng hợp sẵn cho thống kê (dùng khi dữ liệu đã thay đổi)."

    def handle(self, *args: Any, **options: Any) -> None:
        seconds = aggregates_refresh()
        if seconds is None:
            self.stdout.write("Đang có một lần tính lại khác; số liệu sẽ cập nhật sau đó.")
        else:
            self.stdout.write(f"Đã tính lại số liệu tổng hợp trong {seconds:.1f} s.")
