from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from core.progress import ProgressBar
from geo.loader import geography_load
from geo.selectors import geography_counts


class Command(BaseCommand):
    help = "Load Vietnam's administrative units (old and new maps) and the old→new mapping."

    def handle(self, *args: Any, **options: Any) -> None:
        bar = ProgressBar(self.stdout, total=6, label="Địa giới")
        report = geography_load(progress=lambda label, done, total: bar.update(done, label))
        bar.finish()
        for key, count in sorted(report.created.items()):
            self.stdout.write(f"  + {key}: {count}")
        if report.updated:
            self.stdout.write(f"  ~ updated: {report.updated}")
        for label, count in geography_counts().items():
            self.stdout.write(f"{label}: {count}")
