"""News in a real browser: a committee manager drafts an article from a class,
edits it in the rich-text editor, adds a photo and publishes it; the public pages
then work without login and pass the accessibility checks (axe-core)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]

from accounts.models import User
from core.roles import Role
from geo.models import AdminUnit
from news.models import Article, ArticleStatus
from tests.browser import ARTIFACTS, browser_context, login, shot
from tests.conftest import ensure_reference_data
from tests.factories import OrganizationFactory, UserFactory
from tests.news_helpers import TRAINEE_CCCD, TRAINEE_NAME, held_class, tiny_png

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The accessibility rules the issue names: headings, alternative text, contrast.
AXE_RULES = {
    "heading-order",
    "empty-heading",
    "page-has-heading-one",
    "image-alt",
    "color-contrast",
}


@pytest.fixture
def context(live_server: Any) -> Iterator[Any]:
    with browser_context(live_server.url, locale="vi-VN") as ctx:
        yield ctx


@pytest.fixture
def manager(db: Any) -> User:
    ensure_reference_data()
    bu_dang = AdminUnit.objects.get(edition="legacy", level="district", name="Huyện Bù Đăng")
    district = OrganizationFactory(name="Ban Dân vận Huyện ủy Bù Đăng", territory=bu_dang)
    return UserFactory(
        username="quanly.budang",
        full_name="Lê Thị Thu",
        organization=district,
        roles=[Role.COMMITTEE_MANAGER],
    )


def _axe_violations(page: Any, name: str, required: set[str]) -> list[str]:
    """Every axe-core violation on the page; the issue's rules must have been checked."""
    results = Axe().run(page, options={"resultTypes": ["violations", "passes"]})
    found = results.response["violations"]
    checked = {r["id"] for r in results.response["passes"]} | {v["id"] for v in found}
    assert required <= checked, required - checked
    (ARTIFACTS / f"news-axe-{name}.json").write_text(
        json.dumps([{"id": v["id"], "nodes": len(v["nodes"])} for v in found], indent=1)
    )
    return [f"{v['id']}: {[n['target'] for n in v['nodes']]}" for v in found]


def test_draft_edit_publish_and_read_in_the_browser(context: Any, manager: User) -> None:
    assert manager.organization is not None
    course = held_class(manager.organization, title="Lớp bồi dưỡng nghiệp vụ công tác dân vận")
    page = context.new_page()
    login(page, "quanly.budang")

    # 1. One click on the class: the "Viết tin" entry of its "Tổ chức lớp" card.
    page.goto(course.get_absolute_url())
    page.get_by_test_id("class-tools").get_by_role("link", name="Viết tin").click()
    page.get_by_label("Mẫu mở đầu").select_option("a")
    shot(page, "news-01-draft-from-class")
    page.get_by_role("button", name="Viết bản nháp").click()
    page.wait_for_selector(".tox-edit-area iframe")
    article = Article.objects.get()
    assert article.status == ArticleStatus.DRAFT

    # 2. Edit in TinyMCE (bundled, no CDN): a new title, a typed paragraph in bold.
    page.get_by_label("Tiêu đề").fill("Bù Đăng khai giảng lớp bồi dưỡng công tác dân vận")
    page.wait_for_function("window.tinymce?.activeEditor?.initialized === true")
    editor = page.frame_locator(".tox-edit-area iframe").locator("body")
    editor.locator("p").last.click()
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.keyboard.press("Control+B")
    page.keyboard.type("Lớp học diễn ra sôi nổi.", delay=10)
    page.get_by_label("Tác giả").fill("Lê Thị Thu")
    shot(page, "news-02-editor")
    page.get_by_role("button", name="Lưu", exact=True).click()
    page.get_by_text("Đã lưu tin.").wait_for()
    article.refresh_from_db()
    assert article.title == "Bù Đăng khai giảng lớp bồi dưỡng công tác dân vận"
    assert "<strong>Lớp học diễn ra sôi nổi.</strong>" in article.body

    # 3. A photo with its caption; a PDF named .jpg is refused with a message.
    photo = ARTIFACTS / "news-photo.png"
    photo.write_bytes(tiny_png())
    fake = ARTIFACTS / "news-fake.jpg"
    fake.write_bytes(b"%PDF-1.4 not a photo")
    form = page.get_by_test_id("image-form")
    form.get_by_label("Ảnh (PNG").set_input_files(str(fake))
    form.get_by_label("Chú thích").fill("Không phải ảnh")
    form.get_by_label("Mô tả ảnh").fill("Không phải ảnh")
    form.get_by_role("button", name="Tải ảnh lên").click()
    page.get_by_text("không phải ảnh PNG").wait_for()
    form = page.get_by_test_id("image-form")
    form.get_by_label("Ảnh (PNG").set_input_files(str(photo))
    form.get_by_label("Chú thích").fill("Quang cảnh lớp học tại Trung tâm Chính trị huyện")
    form.get_by_label("Mô tả ảnh").fill("Học viên ngồi nghe giảng trong hội trường")
    form.get_by_role("button", name="Tải ảnh lên").click()
    page.get_by_text("Đã thêm ảnh.").wait_for()
    assert article.images.count() == 1

    # 4. Workflow: send for review, publish; who and when are kept.
    page.get_by_test_id("to-review").click()
    page.get_by_test_id("to-published").click()
    page.get_by_test_id("public-link").wait_for()
    shot(page, "news-03-published")
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED and article.published_by == manager
    moves = [e.to_status for e in article.events.all() if e.from_status != e.to_status]
    assert moves == ["draft", "review", "published"]
    assert any(e.from_status == e.to_status == "draft" for e in article.events.all())  # the edit

    # 5. The public pages, signed out.
    context.clear_cookies()
    page.goto("/tin-tuc/")
    page.get_by_role("link", name=article.title).wait_for()
    shot(page, "news-04-public-list")
    list_violations = _axe_violations(page, "list", AXE_RULES - {"image-alt"})
    page.get_by_role("link", name=article.title).click()
    page.get_by_test_id("title").wait_for()
    body = page.content()
    assert "Lớp học diễn ra sôi nổi." in body and "(GMT+7)" in body
    # The photo with its description (waited for: a 1×1 image has no box until loaded).
    page.get_by_alt_text("Học viên ngồi nghe giảng trong hội trường").wait_for()
    assert TRAINEE_NAME not in body and TRAINEE_CCCD not in body
    assert 'property="og:title"' in body
    shot(page, "news-05-public-article")
    article_violations = _axe_violations(page, "article", AXE_RULES)
    assert list_violations == [] and article_violations == []

    # Feedback from a reader: held for moderation.
    page.get_by_label("Họ và tên").fill("Trần Văn Đọc")
    page.get_by_label("Thư điện tử").fill("doc@example.vn")
    page.get_by_label("Ý kiến", exact=True).fill("Bài viết rõ ràng.")
    page.get_by_role("button", name="Gửi ý kiến").click()
    page.get_by_text("sau khi được ban biên tập duyệt").wait_for()
    shot(page, "news-06-feedback-sent")
    assert Path(ARTIFACTS / "news-05-public-article.png").exists()
