"""News services: sanitising, uploads, workflow, the view counter, ratings, feedback."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core.roles import Role
from news import services
from news.cleaning import MAX_IMAGE_BYTES, sanitize_html
from news.models import (
    Article,
    ArticleEvent,
    ArticleImage,
    ArticleRating,
    ArticleStatus,
    Comment,
    CommentStatus,
)
from tests.factories import UserFactory
from tests.news_helpers import held_class, published_article, tiny_png

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0 Safari/537.36"


@pytest.fixture
def article(owner_org: Any, member: Any) -> Article:
    return services.article_draft_from_course(actor=member, course=held_class(owner_org))


def _update(article: Article, actor: Any, **changes: Any) -> Article:
    values = {
        "title": article.title,
        "lead": article.lead,
        "body": article.body,
        "byline": article.byline,
        "category": article.category,
    }
    values.update(changes)
    return services.article_update(actor=actor, article=article, **values)


def test_draft_keeps_who_and_when(article: Article, member: Any) -> None:
    assert article.status == ArticleStatus.DRAFT
    assert article.created_by == member and article.byline == member.full_name
    assert article.slug.startswith("ban-dan-van-huyen-uy-bu-dang-khai-giang-lop-boi-duong")
    event = ArticleEvent.objects.get(article=article)
    assert event.actor == member and event.to_status == ArticleStatus.DRAFT


def test_draft_for_a_class_outside_scope_is_refused(owner_org: Any, outsider: Any) -> None:
    course = held_class(owner_org)
    with pytest.raises(PermissionDenied):
        services.article_draft_from_course(actor=outsider, course=course)
    assert not Article.objects.exists()


def test_trainee_role_may_not_draft(owner_org: Any) -> None:
    trainee = UserFactory(organization=owner_org, roles=[Role.TRAINEE])
    with pytest.raises(PermissionDenied):
        services.article_draft_from_course(actor=trainee, course=held_class(owner_org))


@pytest.mark.parametrize(
    "body",
    [
        "<p>Tin</p><script>alert(1)</script>",
        '<p><img src="/tin-tuc/anh/1/" onerror="alert(1)"></p>',
        '<iframe src="https://evil.example/"></iframe>',
        '<a href="javascript:alert(1)">x</a>',
        "<svg onload=alert(1)>",
    ],
)
def test_active_content_is_refused_and_nothing_changes(
    article: Article, member: Any, body: str
) -> None:
    before = article.body
    with pytest.raises(ValidationError) as caught:
        _update(article, member, body=body)
    assert "Nội dung" in caught.value.message_dict["body"][0]
    article.refresh_from_db()
    assert article.body == before


@pytest.mark.parametrize("field", ["title", "lead", "byline"])
def test_plain_fields_take_no_html(article: Article, member: Any, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        _update(article, member, **{field: "Tin <b onmouseover=x>đậm</b>"})
    assert field in caught.value.message_dict


def test_prose_that_looks_like_code_outside_tags_is_kept(article: Article, member: Any) -> None:
    body = "<p>Học trực tuyến (online = qua mạng); tham khảo javascript: không sao.</p>"
    _update(article, member, body=body)
    article.refresh_from_db()
    assert article.body == body


def test_sanitiser_keeps_formatting_and_drops_foreign_images() -> None:
    html = (
        '<h2>Tiêu đề</h2><p><strong>Đậm</strong> <a href="https://baodongnai.vn/x">liên kết</a>'
        '</p><img src="https://tracker.example/p.gif" alt="x"><img src="/tin-tuc/anh/7/" alt="Lớp">'
        '<p style="color:red" class="x">Kiểu</p>'
    )
    clean = sanitize_html(html)
    assert "<h2>Tiêu đề</h2>" in clean and "<strong>Đậm</strong>" in clean
    assert 'rel="noopener noreferrer nofollow"' in clean
    assert "tracker.example" not in clean
    assert '<img src="/tin-tuc/anh/7/" alt="Lớp">' in clean
    assert "style" not in clean and "class" not in clean


def test_editing_saves_sanitised_rich_text(article: Article, member: Any) -> None:
    _update(article, member, body="<p>Ảnh <em>lớp</em></p><blockquote>Trích</blockquote>")
    article.refresh_from_db()
    assert article.body == "<p>Ảnh <em>lớp</em></p><blockquote>Trích</blockquote>"
    assert article.updated_by == member


def test_image_upload_checks_content_and_size(article: Article, member: Any) -> None:
    image = services.image_add(
        actor=member,
        article=article,
        upload=SimpleUploadedFile("lop.png", tiny_png()),
        caption="Toàn cảnh lớp học",
        alt="Học viên trong hội trường",
    )
    assert image.kind == "png" and image.file.name.endswith("anh-1.png")
    fake = SimpleUploadedFile("anh.png", b"%PDF-1.4 not an image")
    with pytest.raises(ValidationError) as caught:
        services.image_add(actor=member, article=article, upload=fake, caption="a", alt="b")
    assert "không phải ảnh" in caught.value.message_dict["file"][0]
    big = SimpleUploadedFile("lon.png", tiny_png() + b"\0" * MAX_IMAGE_BYTES)
    with pytest.raises(ValidationError) as caught:
        services.image_add(actor=member, article=article, upload=big, caption="a", alt="b")
    assert "quá lớn" in caught.value.message_dict["file"][0]
    with pytest.raises(ValidationError) as caught:
        services.image_add(
            actor=member,
            article=article,
            upload=SimpleUploadedFile("lop.png", tiny_png()),
            caption="<script>x</script>",
            alt="b",
        )
    assert "caption" in caught.value.message_dict
    assert ArticleImage.objects.count() == 1


def test_workflow_publishing_is_for_managers_and_editors(
    article: Article, member: Any, owner: Any
) -> None:
    services.article_transition(actor=member, article=article, to_status="review")
    with pytest.raises(PermissionDenied):
        services.article_transition(actor=member, article=article, to_status="published")
    published = services.article_transition(actor=owner, article=article, to_status="published")
    assert published.published_at is not None and published.published_by == owner
    with pytest.raises(ValidationError):
        services.article_transition(actor=owner, article=published, to_status="review")
    services.article_transition(actor=owner, article=published, to_status="unpublished")
    history = list(ArticleEvent.objects.filter(article=article).values_list("to_status", "actor"))
    assert history == [
        ("draft", member.pk),
        ("review", member.pk),
        ("published", owner.pk),
        ("unpublished", owner.pk),
    ]


def test_editor_of_the_territory_publishes(article: Article, owner_org: Any) -> None:
    editor = UserFactory(organization=owner_org, roles=[Role.EDITOR])
    services.article_transition(actor=editor, article=article, to_status="review")
    services.article_transition(actor=editor, article=article, to_status="published")
    article.refresh_from_db()
    assert article.is_public


def test_views_count_once_a_day_and_never_bots(owner_org: Any) -> None:
    article = published_article(owner_org)
    reader = services.visitor_key("203.0.113.5", BROWSER)
    assert services.record_view(article=article, visitor=reader, user_agent=BROWSER)
    assert not services.record_view(article=article, visitor=reader, user_agent=BROWSER)
    bot = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
    assert not services.record_view(article=article, visitor="x", user_agent=bot)
    assert not services.record_view(article=article, visitor="y", user_agent="")
    other = services.visitor_key("203.0.113.6", BROWSER)
    assert services.record_view(article=article, visitor=other, user_agent=BROWSER)
    article.refresh_from_db()
    assert article.view_count == 2


def test_drafts_are_not_counted_rated_or_commented(article: Article) -> None:
    assert not services.record_view(article=article, visitor="v", user_agent=BROWSER)
    with pytest.raises(ValidationError):
        services.article_rate(article=article, visitor="v", score=5)
    with pytest.raises(ValidationError):
        services.comment_submit(article=article, name="A", email="a@b.vn", message="m", sender="s")


def test_rating_once_per_reader_and_in_range(owner_org: Any) -> None:
    article = published_article(owner_org)
    services.article_rate(article=article, visitor="v1", score="4")
    with pytest.raises(ValidationError, match="đã đánh giá"):
        services.article_rate(article=article, visitor="v1", score="5")
    for bad in ("0", "6", "abc", None):
        with pytest.raises(ValidationError, match="từ 1 đến 5"):
            services.article_rate(article=article, visitor="v2", score=bad)
    assert list(ArticleRating.objects.values_list("score", flat=True)) == [4]


def test_feedback_is_moderated_checked_and_throttled(owner_org: Any, member: Any) -> None:
    article = published_article(owner_org)

    def send(**values: Any) -> Comment:
        data = {"name": "Lê Văn Đọc", "email": "doc@example.vn", "message": "Bài hay."}
        data.update(values)
        return services.comment_submit(article=article, sender="ip-1", **data)

    with pytest.raises(ValidationError) as caught:
        send(email="khong-phai-email", message="<script>alert(1)</script>")
    assert set(caught.value.message_dict) == {"email", "message"}
    with pytest.raises(ValidationError, match="thư rác"):
        send(honeypot="http://spam.example")
    assert not Comment.objects.exists()
    first = send()
    assert first.status == CommentStatus.PENDING
    send()
    send()
    with pytest.raises(ValidationError, match="một giờ"):
        send()
    assert Comment.objects.count() == 3
    services.comment_submit(
        article=article, name="Người khác", email="k@example.vn", message="Ý kiến", sender="ip-2"
    )
    services.comment_moderate(actor=member, comment=first, status="approved")
    first.refresh_from_db()
    assert first.status == CommentStatus.APPROVED and first.moderated_by == member


def test_moderation_outside_scope_is_refused(owner_org: Any, outsider: Any) -> None:
    article = published_article(owner_org)
    comment = services.comment_submit(
        article=article, name="A", email="a@example.vn", message="m", sender="s"
    )
    with pytest.raises(PermissionDenied):
        services.comment_moderate(actor=outsider, comment=comment, status="approved")
