"""A dependency-free progress bar for management commands."""

from __future__ import annotations

import sys
import time
from typing import Any, Protocol


class Writable(Protocol):
    def write(self, text: str, /) -> Any: ...

    def flush(self) -> Any: ...


class ProgressBar:
    def __init__(
        self, stream: Writable | None, *, total: int, label: str = "", width: int = 30
    ) -> None:
        self.stream = stream or sys.stdout
        self.total = max(total, 1)
        self.label = label
        self.width = width
        self.started = time.monotonic()

    def update(self, done: int, detail: str = "") -> None:
        share = min(done / self.total, 1.0)
        filled = int(share * self.width)
        elapsed = time.monotonic() - self.started
        self.stream.write(
            f"\r{self.label} [{'#' * filled}{'.' * (self.width - filled)}] "
            f"{done}/{self.total} {share:4.0%} {elapsed:5.1f}s {detail[:40]:<40}"
        )
        self.stream.flush()

    def finish(self) -> None:
        self.stream.write("\n")
        self.stream.flush()
