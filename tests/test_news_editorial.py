"""The editorial office around the news: categories (add, rename, reorder,
retire), blank articles not drafted from a class, and published articles
edited only by the committee's leaders and editors, every edit in the history."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from core.roles import Role
from geo.models import AdminUnit, Level
from news import services
from news.models import Article, ArticleEvent, ArticleStatus, Category
from tests.conftest import client_for
from tests.factories import OrganizationFactory, UserFactory
from tests.news_helpers import published_article

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert(1)</script>Tin <img src=x onerror="alert(2)">'


def _categories() -> list[tuple[Any, ...]]:
    return list(Category.objects.order_by("pk").values_list())


@pytest.fixture
def editor(owner_org: Any) -> Any:
    return UserFactory(username="bientap", organization=owner_org, roles=[Role.EDITOR])


@pytest.fixture
def central_org(db: Any) -> Any:
    country = AdminUnit.objects.get(level=Level.COUNTRY)
    return OrganizationFactory(name="Ban Dân vận Trung ương", territory=country)


@pytest.fixture
def national(central_org: Any) -> Any:
    """A manager of a national committee: the public site's sections are theirs to manage."""
    return UserFactory(
        username="trunguong", organization=central_org, roles=[Role.COMMITTEE_MANAGER]
    )


@pytest.fixture
def national_editor(central_org: Any) -> Any:
    return UserFactory(username="bientaptw", organization=central_org, roles=[Role.EDITOR])


# --- Categories: services ------------------------------------------------------


def test_category_create_folds_the_slug_and_refuses_duplicates(national: Any) -> None:
    created = services.category_create(actor=national, name="  Gương  điển hình  ", order="5")
    assert (created.name, created.slug, created.order) == ("Gương điển hình", "guong-dien-hinh", 5)
    before = _categories()
    for name in ["gương điển hình", "GUONG DIEN HINH", "Gương điển hình"]:
        with pytest.raises(ValidationError) as caught:
            services.category_create(actor=national, name=name)
        assert caught.value.message_dict["name"] == ["Đã có chuyên mục “Gương điển hình”."]
    assert _categories() == before


@pytest.mark.parametrize(
    ("name", "order", "field", "message"),
    [
        ("", 1, "name", "Tên chuyên mục quá ngắn (ít nhất 3 ký tự)."),
        ("ab", 1, "name", "Tên chuyên mục quá ngắn (ít nhất 3 ký tự)."),
        (HOSTILE, 1, "name", None),
        ("<b>Đậm</b>", 1, "name", None),
        ("Chuyên mục mới", "-1", "order", "Thứ tự là số nguyên từ 0 đến 32767."),
        ("Chuyên mục mới", "abc", "order", "Thứ tự là số nguyên từ 0 đến 32767."),
    ],
)
def test_category_bad_input_writes_nothing(
    national: Any, name: str, order: Any, field: str, message: str | None
) -> None:
    before = _categories()
    with pytest.raises(ValidationError) as caught:
        services.category_create(actor=national, name=name, order=order)
    errors = caught.value.message_dict[field]
    if message is not None:
        assert errors == [message]
    else:
        assert "Tên chuyên mục" in errors[0]  # the field is named
    assert _categories() == before


def test_category_rename_keeps_the_address_and_refuses_a_taken_name(national: Any) -> None:
    category = Category.objects.get(slug="thong-bao")
    services.category_update(
        actor=national, category=category, name="Thông báo – Hướng dẫn", order=1
    )
    category.refresh_from_db()
    assert (category.name, category.slug, category.order) == (
        "Thông báo – Hướng dẫn",
        "thong-bao",
        1,
    )
    with pytest.raises(ValidationError) as caught:
        services.category_update(actor=national, category=category, name="tin dan van", order=1)
    assert caught.value.message_dict["name"] == ["Đã có chuyên mục “Tin dân vận”."]
    category.refresh_from_db()
    assert category.name == "Thông báo – Hướng dẫn"


def test_retiring_keeps_articles_but_not_the_last_active_category(
    owner: Any, national: Any
) -> None:
    article = published_article(owner.organization)
    category = article.category
    services.category_set_active(actor=national, category=category, active=False)
    article.refresh_from_db()
    assert article.category == category and article.is_public
    assert services.default_category() != category
    others = Category.objects.filter(is_active=True)
    *rest, last = list(others)
    for other in rest:
        services.category_set_active(actor=national, category=other, active=False)
    with pytest.raises(ValidationError) as caught:
        services.category_set_active(actor=national, category=last, active=False)
    assert "Phải còn ít nhất một chuyên mục đang dùng" in caught.value.message_dict["is_active"][0]
    last.refresh_from_db()
    assert last.is_active
    services.category_set_active(actor=national, category=category, active=True)
    assert Category.objects.get(pk=category.pk).is_active


def test_category_rules_are_in_the_database() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Category.objects.create(name="Khác", slug="tin-dan-van")
    with pytest.raises(IntegrityError), transaction.atomic():
        Category.objects.create(name="Không có đường dẫn", slug="")


def test_only_national_leaders_and_editors_manage_categories(
    member: Any, owner: Any, editor: Any, national_editor: Any
) -> None:
    before = _categories()
    # Staff without the role, and a district's own leader and editor: the sections are
    # the whole site's, not one committee's.
    for user in (member, owner, editor):
        with pytest.raises(PermissionDenied, match="cấp Trung ương"):
            services.category_create(actor=user, name="Của huyện")
    assert _categories() == before
    assert services.category_create(actor=national_editor, name="Của biên tập viên").slug == (
        "cua-bien-tap-vien"
    )


# --- Categories: the page ------------------------------------------------------


def test_category_page_adds_renames_reorders_and_retires(national: Any) -> None:
    client = client_for(national)
    url = reverse("news:categories")
    page = client.get(url)
    assert page.status_code == 200
    assert "Hoạt động tập huấn" in page.content.decode()

    response = client.post(url, {"action": "add", "new-name": "Gương sáng dân vận", "new-order": 7})
    assert response.status_code == 302
    added = Category.objects.get(slug="guong-sang-dan-van")

    response = client.post(
        url,
        {
            "action": "save",
            "category": added.pk,
            f"c{added.pk}-name": "Gương sáng dân vận khéo",
            f"c{added.pk}-order": 3,
        },
    )
    assert response.status_code == 302
    added.refresh_from_db()
    assert (added.name, added.order, added.slug) == (
        "Gương sáng dân vận khéo",
        3,
        "guong-sang-dan-van",
    )

    assert client.post(url, {"action": "retire", "category": added.pk}).status_code == 302
    added.refresh_from_db()
    assert not added.is_active
    # Retired: out of the public menu and of the pickers, still reachable by its address.
    public = Client()
    assert "Gương sáng dân vận khéo" not in public.get(reverse("news:index")).content.decode()
    assert public.get(added.get_absolute_url()).status_code == 200
    draft_page = client.get(reverse("news:create")).content.decode()
    assert f'<option value="{added.pk}"' not in draft_page
    assert f'<option value="{Category.objects.get(slug="thong-bao").pk}"' in draft_page
    assert client.post(url, {"action": "restore", "category": added.pk}).status_code == 302
    assert Category.objects.get(pk=added.pk).is_active


def test_category_page_bad_input_names_the_row_and_writes_nothing(national: Any) -> None:
    client = client_for(national)
    url = reverse("news:categories")
    before = _categories()
    news = Category.objects.get(slug="tin-dan-van")
    cases = [
        ({"action": "add", "new-name": "TIN DÂN VẬN", "new-order": 1}, "Đã có chuyên mục"),
        ({"action": "add", "new-name": HOSTILE, "new-order": 1}, "Tên chuyên mục"),
        ({"action": "add", "new-name": "Hợp lệ", "new-order": "x"}, "Thứ tự"),
        (
            {
                "action": "save",
                "category": news.pk,
                f"c{news.pk}-name": "Thông báo",
                f"c{news.pk}-order": 1,
            },
            "Chuyên mục “Tin dân vận” — Tên chuyên mục: Đã có chuyên mục “Thông báo”.",
        ),
        ({"action": "retire", "category": 999999}, "Không rõ chuyên mục"),
        ({"action": "drop", "category": news.pk}, "Không rõ chuyên mục"),
    ]
    for data, message in cases:
        response = client.post(url, data)
        assert response.status_code == 400, data
        assert message in response.content.decode(), data
        assert "<script>alert" not in response.content.decode()
    Category.objects.exclude(pk=news.pk).update(is_active=False)
    before = _categories()
    response = client.post(url, {"action": "retire", "category": news.pk})
    assert response.status_code == 400
    assert "Phải còn ít nhất một chuyên mục đang dùng" in response.content.decode()
    assert _categories() == before


def test_category_page_is_for_national_leaders_and_editors(
    member: Any, owner: Any, editor: Any, national_editor: Any
) -> None:
    url = reverse("news:categories")
    news = Category.objects.get(slug="tin-dan-van")
    before = _categories()
    for user in (member, owner, editor):
        client = client_for(user)
        assert client.get(url).status_code == 403
        assert client.post(url, {"action": "add", "new-name": "Lén thêm"}).status_code == 403
        assert client.post(url, {"action": "retire", "category": news.pk}).status_code == 403
        assert (
            'data-testid="manage-categories"'
            not in client.get(reverse("news:staff_list")).content.decode()
        )
    assert _categories() == before
    client = client_for(national_editor)
    assert client.get(url).status_code == 200
    assert (
        'data-testid="manage-categories"' in client.get(reverse("news:staff_list")).content.decode()
    )


# --- Blank articles ------------------------------------------------------------


def test_blank_article_is_a_draft_in_the_same_workflow(member: Any, owner: Any) -> None:
    client = client_for(member)
    page = client.get(reverse("news:create"))
    assert page.status_code == 200
    category = Category.objects.get(slug="thong-bao")
    response = client.post(
        reverse("news:create"),
        {
            "owner": member.organization_id,
            "title": "Hội nghị sơ kết dân vận khéo",
            "category": category.pk,
        },
    )
    article = Article.objects.get(title="Hội nghị sơ kết dân vận khéo")
    assert response.status_code == 302
    assert response["Location"] == reverse("news:edit", args=[article.pk])
    assert (article.status, article.course, article.slug) == (
        ArticleStatus.DRAFT,
        None,
        "hoi-nghi-so-ket-dan-van-kheo",
    )
    assert article.created_by == member and article.byline == member.full_name
    edit = client.post(
        reverse("news:edit", args=[article.pk]),
        {
            "title": article.title,
            "lead": "Sa-pô",
            "body": "<p>Nội dung</p><script>x()</script>",
            "byline": "Ban biên tập",
            "category": category.pk,
        },
    )
    assert edit.status_code == 400
    assert "Nội dung" in edit.content.decode()
    article.refresh_from_db()
    assert article.body == ""
    client.post(
        reverse("news:edit", args=[article.pk]),
        {
            "title": article.title,
            "lead": "Sa-pô",
            "body": "<p>Nội dung</p>",
            "byline": "",
            "category": category.pk,
        },
    )
    services.article_transition(actor=member, article=article, to_status="review")
    published = services.article_transition(actor=owner, article=article, to_status="published")
    assert Client().get(published.get_absolute_url()).status_code == 200


def test_blank_article_bad_input_writes_nothing(member: Any, outsider_org: Any) -> None:
    client = client_for(member)
    category = Category.objects.get(slug="thong-bao")
    retired = Category.objects.create(name="Đã ngừng", slug="da-ngung", is_active=False)
    count = Article.objects.count()
    cases = [
        ({"owner": member.organization_id, "title": "", "category": category.pk}, "Tiêu đề"),
        ({"owner": member.organization_id, "title": HOSTILE, "category": category.pk}, "Tiêu đề"),
        (
            {"owner": outsider_org.pk, "title": "Tin ngoài phạm vi", "category": category.pk},
            "Đơn vị đăng tin",
        ),
        ({"owner": member.organization_id, "title": "Tin", "category": retired.pk}, "Chuyên mục"),
    ]
    for data, label in cases:
        response = client.post(reverse("news:create"), data)
        assert response.status_code == 400, data
        assert label in response.content.decode()
    assert Article.objects.count() == count
    with pytest.raises(PermissionDenied):
        services.article_create_blank(
            actor=member, owner=outsider_org, title="Tin ngoài phạm vi", category=category
        )
    with pytest.raises(ValidationError) as caught:
        services.article_create_blank(
            actor=member, owner=member.organization, title="Tin", category=retired
        )
    assert caught.value.message_dict["category"] == ["Chuyên mục “Đã ngừng” đã ngừng dùng."]
    assert Article.objects.count() == count


# --- Editing a published article ---------------------------------------------


def _form(article: Article, **changes: Any) -> dict[str, Any]:
    data = {
        "title": article.title,
        "lead": article.lead,
        "body": article.body,
        "byline": article.byline,
        "category": article.category_id,
    }
    return {**data, **changes}


def test_published_article_is_edited_by_leaders_and_editors_only(
    owner: Any, member: Any, editor: Any
) -> None:
    article = published_article(owner.organization, title="Lớp đã đăng")
    slug = article.slug
    page = client_for(member).get(reverse("news:edit", args=[article.pk])).content.decode()
    assert "Tin đã đăng chỉ lãnh đạo Ban hoặc biên tập viên được sửa" in page
    response = client_for(member).post(
        reverse("news:edit", args=[article.pk]), _form(article, title="Cán bộ sửa")
    )
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        services.article_update(actor=member, article=article, **_form_values(article, title="X"))
    article.refresh_from_db()
    assert article.title != "Cán bộ sửa"

    events = ArticleEvent.objects.filter(article=article).count()
    response = client_for(editor).post(
        reverse("news:edit", args=[article.pk]),
        _form(article, title="Lớp đã đăng (đính chính)", lead="Sa-pô mới"),
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.title, article.slug, article.status) == (
        "Lớp đã đăng (đính chính)",
        slug,
        ArticleStatus.PUBLISHED,
    )
    assert article.updated_by == editor
    edit = ArticleEvent.objects.filter(article=article).order_by("pk").last()
    assert edit is not None and ArticleEvent.objects.filter(article=article).count() == events + 1
    assert (edit.actor, edit.from_status, edit.to_status) == (editor, "published", "published")
    assert edit.note == "Sửa tin đã đăng: tiêu đề, sa-pô"
    page = client_for(owner).get(reverse("news:edit", args=[article.pk])).content.decode()
    assert "Sửa tin đã đăng: tiêu đề, sa-pô" in page
    # Saving without a change leaves no history line.
    client_for(editor).post(reverse("news:edit", args=[article.pk]), _form(article))
    assert ArticleEvent.objects.filter(article=article).count() == events + 1


def _form_values(article: Article, **changes: Any) -> dict[str, Any]:
    values = _form(article, **changes)
    values["category"] = article.category
    return values


def test_draft_edits_are_in_the_history(member: Any) -> None:
    article = published_article(member.organization)
    article = services.article_transition(actor=None, article=article, to_status="unpublished")
    article = services.article_transition(actor=None, article=article, to_status="draft")
    services.article_update(
        actor=member, article=article, **_form_values(article, body="<p>Mới</p>")
    )
    last = ArticleEvent.objects.filter(article=article).order_by("pk").last()
    assert last is not None
    assert (last.actor, last.note) == (member, "Sửa: nội dung")


def test_a_retired_category_stays_on_its_articles_when_edited(owner: Any, national: Any) -> None:
    article = published_article(owner.organization)
    services.category_set_active(actor=national, category=article.category, active=False)
    client = client_for(owner)
    response = client.post(
        reverse("news:edit", args=[article.pk]), _form(article, lead="Đổi sa-pô")
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.lead == "Đổi sa-pô" and not article.category.is_active
    other = published_article(owner.organization, title="Lớp khác")
    response = client.post(
        reverse("news:edit", args=[other.pk]), _form(other, category=article.category_id)
    )
    assert response.status_code == 400  # not offered for another article
    other.refresh_from_db()
    assert other.category != article.category
