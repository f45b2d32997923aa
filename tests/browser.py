"""The browser harness shared by the Playwright tests: Debian's Chromium, headless.

Screenshots go to test-artifacts/ (override with ARTIFACTS_DIR); CHROMIUM names
the browser binary. Without Chromium the browser tests are skipped locally and
fail loudly in CI.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connections

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(
    os.environ.get("ARTIFACTS_DIR", Path(__file__).resolve().parent.parent / "test-artifacts")
)
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

if not Path(CHROMIUM).exists():  # pragma: no cover - CI installs it; fail loudly there
    if os.environ.get("CI"):
        raise RuntimeError(f"Chromium not found at {CHROMIUM}")
    pytest.skip(f"Chromium not found at {CHROMIUM}", allow_module_level=True)

playwright_api = pytest.importorskip("playwright.sync_api")


@contextmanager
def browser_context(base_url: str, **options: Any) -> Iterator[Any]:
    """A browser context on the live server; on exit, asserts nothing left the machine."""
    # Playwright's sync API runs an event loop in this thread; the ORM calls
    # the test makes between browser steps are still plain synchronous code.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    requested: list[str] = []
    settings_ = {"viewport": {"width": 1280, "height": 860}, "locale": "en-US"} | options
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(base_url=base_url, **settings_)
        context.set_default_timeout(15_000)
        context.on("request", lambda request: requested.append(request.url))
        yield context
        context.close()
        browser.close()
        # ORM calls made while Playwright's loop ran opened their own connection:
        # close it, or PostgreSQL cannot drop the test database at the end.
        connections.close_all()
    # Offices are often offline: every asset (Bootstrap, htmx) comes from this server.
    foreign = [url for url in requested if not url.startswith(base_url)]
    assert requested and foreign == []


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def login(page: Any, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(r"/$"))
