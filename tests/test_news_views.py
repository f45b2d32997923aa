"""News pages: public reading without login (published only, nothing private),
staff drafting, editing and moderation behind the scope gate."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from core.roles import Role
from news import services
from news.models import Article, ArticleStatus, Comment, CommentStatus
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.news_helpers import (
    TRAINEE_CCCD,
    TRAINEE_NAME,
    TRAINEE_PHONE,
    held_class,
    published_article,
    tiny_png,
)

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0 Safari/537.36"
PRIVATE = [TRAINEE_NAME, TRAINEE_CCCD, TRAINEE_PHONE, "Trần Văn Học"]


@pytest.fixture
def public() -> Client:
    return Client(HTTP_USER_AGENT=BROWSER)


def test_public_pages_show_published_articles_only(owner_org: Any, public: Client) -> None:
    shown = published_article(owner_org, title="Lớp đã đăng tin")
    hidden = services.article_draft_from_course(
        actor=None, course=held_class(owner_org, title="Lớp tin còn nháp")
    )
    pages = [
        reverse("news:index"),
        shown.category.get_absolute_url(),
        reverse("news:rss"),
        reverse("news:atom"),
        shown.get_absolute_url(),
        reverse("news:article_print", args=[shown.slug]),
    ]
    for url in pages:
        response = public.get(url)
        body = response.content.decode()
        assert response.status_code == 200, url
        assert "Lớp đã đăng tin" in body, url
        assert "Lớp tin còn nháp" not in body, url
        for private in PRIVATE:
            assert private not in body, (url, private)
    assert public.get(hidden.get_absolute_url()).status_code == 404
    assert public.get(reverse("news:article_print", args=[hidden.slug])).status_code == 404
    services.article_transition(actor=None, article=shown, to_status="unpublished")
    assert public.get(shown.get_absolute_url()).status_code == 404
    assert "Lớp đã đăng tin" not in public.get(reverse("news:index")).content.decode()


def test_article_page_facts_og_tags_time_and_related(owner_org: Any, public: Client) -> None:
    first = published_article(owner_org, title="Lớp thứ nhất")
    second = published_article(owner_org, title="Lớp thứ hai")
    body = public.get(second.get_absolute_url()).content.decode()
    assert '<meta property="og:title"' in body and "og:type" in body
    assert f'content="http://testserver{second.get_absolute_url()}"' in body
    assert "(GMT+7)" in body
    assert second.published_at is not None
    local = second.published_at.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Ho_Chi_Minh"))
    assert local.strftime("%d/%m/%Y %H:%M") in body
    assert first.title in body  # related news of the same category
    assert "Trần Văn Khách, Phó Bí thư Huyện ủy" in body  # the guest, from the class data
    assert "mailto:?subject=" in body  # send to a friend


def test_view_counter_ignores_reloads_and_bots(owner_org: Any, public: Client) -> None:
    article = published_article(owner_org)
    for _ in range(3):
        public.get(article.get_absolute_url())
    Client(HTTP_USER_AGENT="Googlebot/2.1").get(article.get_absolute_url())
    article.refresh_from_db()
    assert article.view_count == 1


def test_rating_and_feedback_forms(owner_org: Any, public: Client, member: Any) -> None:
    article = published_article(owner_org)
    rate = reverse("news:rate", args=[article.slug])
    assert public.post(rate, {"score": "5"}).status_code == 302
    public.post(rate, {"score": "1"})
    assert "5,0/5" in public.get(article.get_absolute_url()).content.decode() or (
        "5.0/5" in public.get(article.get_absolute_url()).content.decode()
    )
    comment = reverse("news:comment", args=[article.slug])
    bad = public.post(comment, {"name": "", "email": "x", "message": "<b>hi</b>"})
    assert bad.status_code == 200
    assert "Thư điện tử" in bad.content.decode()
    assert not Comment.objects.exists()
    good = {"name": "Lê Văn Đọc", "email": "doc@example.vn", "message": "Ý kiến chờ duyệt"}
    assert public.post(comment, good).status_code == 302
    # Pending: not on the public page until a moderator approves it.
    assert "Ý kiến chờ duyệt" not in public.get(article.get_absolute_url()).content.decode()
    staff = client_for(member)
    queue = staff.get(reverse("news:moderation")).content.decode()
    assert "Ý kiến chờ duyệt" in queue
    pending = Comment.objects.get()
    staff.post(reverse("news:moderate", args=[pending.pk]), {"status": "approved"})
    assert "Ý kiến chờ duyệt" in public.get(article.get_absolute_url()).content.decode()
    # Honeypot filled: refused, nothing stored.
    public.post(comment, {**good, "website": "http://spam.example"})
    assert Comment.objects.count() == 1


def test_feedback_flood_from_one_address_is_refused(owner_org: Any, public: Client) -> None:
    article = published_article(owner_org)
    url = reverse("news:comment", args=[article.slug])
    data = {"name": "Lê Văn Đọc", "email": "doc@example.vn", "message": "Lần nữa"}
    for _ in range(services.MAX_COMMENTS_PER_HOUR):
        assert public.post(url, data).status_code == 302
    flood = public.post(url, data)
    assert flood.status_code == 429
    assert "một giờ" in flood.content.decode()
    assert Comment.objects.count() == services.MAX_COMMENTS_PER_HOUR
    assert Comment.objects.filter(status=CommentStatus.PENDING).count() == 3


def test_staff_drafts_edits_and_publishes(owner_org: Any, member: Any, owner: Any) -> None:
    course = held_class(owner_org)
    staff = client_for(member)
    page = staff.get(reverse("news:draft", args=[course.pk]))
    assert page.status_code == 200 and "Trần Văn Khách" in page.content.decode()
    response = staff.post(reverse("news:draft", args=[course.pk]), {"template": "a", "category": 1})
    article = Article.objects.get()
    assert response["Location"] == reverse("news:edit", args=[article.pk])
    edit = staff.get(response["Location"]).content.decode()
    assert "/static/tinymce/tinymce.min.js" in edit and "tiny.cloud" not in edit
    form = {
        "title": "Tin đã sửa",
        "lead": article.lead,
        "body": article.body + "<p>Thêm đoạn.</p>",
        "byline": "Lê Thị Thu",
        "category": article.category_id,
    }
    assert staff.post(reverse("news:edit", args=[article.pk]), form).status_code == 302
    refused = staff.post(
        reverse("news:edit", args=[article.pk]), {**form, "body": "<script>x</script>"}
    )
    assert refused.status_code == 400 and "mã không được phép" in refused.content.decode()
    article.refresh_from_db()
    assert article.title == "Tin đã sửa" and "script" not in article.body
    bad_upload = staff.post(
        reverse("news:image_add", args=[article.pk]),
        {"file": SimpleUploadedFile("x.jpg", b"MZ\x90\x00"), "caption": "a", "alt": "b"},
        follow=True,
    )
    assert "không phải ảnh" in bad_upload.content.decode()
    staff.post(
        reverse("news:image_add", args=[article.pk]),
        {
            "file": SimpleUploadedFile("x.png", tiny_png()),
            "caption": "Lớp học",
            "alt": "Hội trường",
        },
    )
    image = article.images.get()
    # A draft's photo is not public yet; the staff member sees it.
    assert Client().get(image.get_absolute_url()).status_code == 404
    assert staff.get(image.get_absolute_url()).status_code == 200
    staff.post(reverse("news:transition", args=[article.pk]), {"to_status": "review"})
    staff.post(reverse("news:transition", args=[article.pk]), {"to_status": "published"})
    article.refresh_from_db()
    assert article.status == ArticleStatus.REVIEW  # staff may not publish
    publish = {"to_status": "published"}
    client_for(owner).post(reverse("news:transition", args=[article.pk]), publish)
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED
    page = Client().get(article.get_absolute_url()).content.decode()
    assert 'alt="Hội trường"' in page and "Lớp học" in page and "Lê Thị Thu" in page
    assert Client().get(image.get_absolute_url())["Content-Type"] == "image/png"


def test_outsiders_and_other_roles_are_kept_out(owner_org: Any, outsider: Any, member: Any) -> None:
    course = held_class(owner_org)
    article = services.article_draft_from_course(actor=member, course=course)
    other = client_for(outsider)
    assert other.get(reverse("news:draft", args=[course.pk])).status_code == 404
    assert other.post(reverse("news:draft", args=[course.pk]), {"category": 1}).status_code == 404
    assert other.get(reverse("news:edit", args=[article.pk])).status_code == 404
    assert article.title not in other.get(reverse("news:staff_list")).content.decode()
    trainee = client_for(UserFactory(organization=owner_org, roles=[Role.TRAINEE]))
    assert trainee.get(reverse("news:edit", args=[article.pk])).status_code == 403
    assert Client().get(reverse("news:staff_list")).status_code == 302
    assert Article.objects.count() == 1


def test_public_list_query_count(
    owner_org: Any, public: Client, django_assert_max_num_queries: Any
) -> None:
    for number in range(12):
        published_article(owner_org, title=f"Lớp số {number}")
    with django_assert_max_num_queries(6):
        response = public.get(reverse("news:index"))
    assert response.content.decode().count('data-testid="news-item"') == 10
    assert "Trang 1/2" in response.content.decode()


def test_class_picker_leads_to_the_draft_page(owner_org: Any, member: Any) -> None:
    course = held_class(owner_org)
    staff = client_for(member)
    listing = staff.get(reverse("news:staff_list")).content.decode()
    assert f'<option value="{course.pk}">' in listing
    response = staff.get(reverse("news:staff_list"), {"course": course.pk})
    assert response["Location"] == reverse("news:draft", args=[course.pk])


def test_article_page_query_count(
    owner_org: Any, public: Client, django_assert_max_num_queries: Any
) -> None:
    for number in range(6):
        article = published_article(owner_org, title=f"Lớp số {number}")
    with django_assert_max_num_queries(12):
        response = public.get(article.get_absolute_url())
    assert response.status_code == 200


def test_behind_a_proxy_the_flood_limit_counts_the_visitor_not_the_proxy(
    owner_org: Any, settings: Any
) -> None:
    """With PROXY_COUNT=1 every request comes from nginx's address; the visitor is the
    address nginx appended to X-Forwarded-For, and what a client puts before it is
    ignored (it cannot dodge the limit by forging the header)."""
    settings.PROXY_COUNT = 1
    article = published_article(owner_org)
    url = reverse("news:comment", args=[article.slug])
    data = {"name": "Lê Văn Đọc", "email": "doc@example.vn", "message": "Qua proxy"}
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    for forged in range(services.MAX_COMMENTS_PER_HOUR):
        sent = proxy.post(url, data, HTTP_X_FORWARDED_FOR=f"198.51.100.{forged}, 203.0.113.7")
        assert sent.status_code == 302
    flood = proxy.post(url, data, HTTP_X_FORWARDED_FOR="198.51.100.99, 203.0.113.7")
    assert flood.status_code == 429
    # Another visitor behind the same proxy is not blocked by the first one.
    assert proxy.post(url, data, HTTP_X_FORWARDED_FOR="203.0.113.8").status_code == 302
    assert Comment.objects.count() == services.MAX_COMMENTS_PER_HOUR + 1
