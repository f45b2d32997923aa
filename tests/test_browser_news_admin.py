"""The news desk in a real browser, on the demo data: the staff list with the
demo articles, categories managed (a duplicate refused, one retired) and a
blank article written, then the public list without login."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import override_settings

from core.demo import demo_load
from news.models import Article, ArticleStatus, Category
from tests.browser import browser_context, login, shot
from tests.conftest import ensure_reference_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def context(live_server: Any) -> Iterator[Any]:
    with browser_context(live_server.url, locale="vi-VN") as ctx:
        yield ctx


@pytest.fixture
def demo(db: Any) -> None:
    ensure_reference_data()
    with override_settings(DEBUG=True):
        demo_load()


def test_news_desk_on_the_demo_data(context: Any, demo: None) -> None:
    published = list(Article.objects.filter(status=ArticleStatus.PUBLISHED))
    assert len(published) == 3
    page = context.new_page()
    login(page, "admin")

    # The staff list: the five scenario articles, "Viết tin mới" and "Chuyên mục".
    page.goto("/tin-tuc/quan-ly/")
    rows = page.get_by_test_id("articles").locator("tbody tr")
    assert rows.count() == 5
    shot(page, "news-admin-01-staff-list")

    # Categories: a new one, a duplicate refused (accents and case aside), one retired.
    page.get_by_test_id("manage-categories").click()
    add = page.get_by_test_id("category-add")
    add.get_by_label("Tên chuyên mục").fill("Gương điển hình dân vận khéo")
    add.get_by_label("Thứ tự").fill("15")
    add.get_by_role("button", name="Thêm").click()
    page.get_by_text("Đã thêm chuyên mục “Gương điển hình dân vận khéo”.").wait_for()
    add = page.get_by_test_id("category-add")
    add.get_by_label("Tên chuyên mục").fill("GUONG DIEN HINH DAN VAN KHEO")
    add.get_by_role("button", name="Thêm").click()
    page.get_by_test_id("category-errors").get_by_text("Đã có chuyên mục").wait_for()
    assert Category.objects.filter(slug__startswith="guong-dien-hinh").count() == 1
    page.get_by_test_id("retire-thong-bao").click()
    page.get_by_text("Đã ngừng dùng chuyên mục “Thông báo”").wait_for()
    shot(page, "news-admin-02-categories")
    assert not Category.objects.get(slug="thong-bao").is_active

    # A blank article: not from a class, straight into the same editor.
    page.goto("/tin-tuc/quan-ly/")
    page.get_by_test_id("new-article").click()
    form = page.get_by_test_id("create-form")
    assert "Thông báo" not in form.get_by_label("Chuyên mục").inner_text()
    form.get_by_label("Đơn vị đăng tin").select_option(label="Ban Dân vận Huyện ủy Bù Đăng")
    form.get_by_label("Tiêu đề").fill("Bù Đăng sơ kết phong trào thi đua dân vận khéo")
    form.get_by_label("Chuyên mục").select_option(label="Gương điển hình dân vận khéo")
    shot(page, "news-admin-03-new-article")
    form.get_by_role("button", name="Tạo bản nháp").click()
    page.wait_for_selector(".tox-edit-area iframe")
    article = Article.objects.get(title="Bù Đăng sơ kết phong trào thi đua dân vận khéo")
    assert article.course is None and article.status == ArticleStatus.DRAFT

    # The public list, signed out: the three demo articles; retired category not in the menu.
    context.clear_cookies()
    page.goto("/tin-tuc/")
    for item in published:
        page.get_by_role("link", name=item.title).wait_for()
    menu = page.get_by_role("navigation", name="Chuyên mục")
    assert "Gương điển hình dân vận khéo" in menu.inner_text()
    assert "Thông báo" not in menu.inner_text()
    shot(page, "news-admin-04-public-list")
