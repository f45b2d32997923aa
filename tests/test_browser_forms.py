"""Behaviour every form shares in the browser (static/js/submit_once.js)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.test_browser import page  # noqa: F401 - the fixture is reused

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCRIPT = Path(__file__).resolve().parent.parent / "static/js/submit_once.js"


def _form_page(page: Any, base: str, method: str) -> list[Any]:  # noqa: F811
    """A form posting into a frame; the server never answers, like a slow line."""
    held: list[Any] = []
    page.route(f"{base}/sink/**", lambda route: held.append(route))
    page.set_content(
        f'<iframe name="sink"></iframe><form method="{method}" action="{base}/sink/" '
        'target="sink"><input name="title" value="Lớp"><button>Lưu</button></form>'
        f"<script>{SCRIPT.read_text()}</script>"
    )
    return held


def test_a_post_form_is_sent_once_while_the_first_request_waits(
    page: Any,  # noqa: F811
    live_server: Any,
) -> None:
    held = _form_page(page, live_server.url, "post")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_timeout(300)
    page.evaluate("document.querySelector('form').requestSubmit()")  # a second click, or Enter
    page.wait_for_timeout(300)
    assert len(held) == 1
    assert page.get_by_role("button", name="Lưu").is_disabled()


def test_get_forms_are_left_alone(
    page: Any,  # noqa: F811
    live_server: Any,
) -> None:
    held = _form_page(page, live_server.url, "get")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_timeout(300)
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_timeout(300)
    assert len(held) == 2  # a filter form may be sent again
