"""Writes for news: drafts from a class, edits, workflow, photos, readers' input."""

from __future__ import annotations

import datetime
import hashlib
import re
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.roles import MANAGERS, Role
from core.scope import (
    has_role,
    in_territory,
    may_change,
    require_change,
    require_role,
    territory_allowed,
)
from core.text import clean_note, fold, normalize_text
from courses.models import Course
from geo.models import Level
from news.cleaning import check_image, check_plain_text, check_rich_text
from news.drafting import class_facts, draft_from_facts
from news.models import (
    NEWS_ROLES,
    Article,
    ArticleEvent,
    ArticleImage,
    ArticleRating,
    ArticleStatus,
    ArticleView,
    Category,
    Comment,
    CommentStatus,
)
from orgs.models import Organization

# Publishing (and taking down) is for the committee's leaders and the editors;
# so are editing a published article and managing the categories.
PUBLISHERS = MANAGERS | {Role.EDITOR}
MAX_COMMENTS_PER_HOUR = 3
MAX_IMAGES = 30
_BOTS = re.compile(
    r"bot|crawl|spider|slurp|fetch|curl|wget|python-|httpclient|java/|okhttp|scrapy|"
    r"facebookexternalhit|preview|monitor|uptime",
    re.IGNORECASE,
)


def visitor_key(*parts: str) -> str:
    """A keyed hash of the reader's address (and browser): no address is stored."""
    raw = "\x1f".join([settings.SECRET_KEY, *parts])
    return hashlib.sha256(raw.encode()).hexdigest()


def is_bot(user_agent: str) -> bool:
    return not user_agent.strip() or bool(_BOTS.search(user_agent))


def unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    """A Vietnamese title as an ASCII slug ('Khai giảng lớp' -> 'khai-giang-lop'), unique."""
    base = slugify(fold(title))[:200].strip("-") or "tin"
    slug, number = base, 2
    taken = Article.objects.exclude(pk=exclude_pk) if exclude_pk else Article.objects.all()
    while taken.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def default_category() -> Category:
    category = Category.objects.filter(is_active=True).order_by("order", "pk").first()
    if category is None:
        category = Category.objects.create(name="Hoạt động tập huấn", slug="hoat-dong-tap-huan")
    return category


# --- Categories (chuyên mục): shared reference data ---------------------------


def _category_name(name: str, *, exclude_pk: int | None = None) -> str:
    """A clean, plain, unique (accents and case aside) category name, or a field error."""
    name = normalize_text(check_plain_text(name or "", field="name", label=_("Tên chuyên mục")))
    if len(name) < 3:
        raise ValidationError({"name": _("Tên chuyên mục quá ngắn (ít nhất 3 ký tự).")})
    if len(name) > 120:
        raise ValidationError({"name": _("Tên chuyên mục tối đa 120 ký tự.")})
    folded = fold(name).casefold()
    others = (
        Category.objects.all() if exclude_pk is None else Category.objects.exclude(pk=exclude_pk)
    )
    for other in others.only("name"):
        if fold(other.name).casefold() == folded:
            raise ValidationError(
                {"name": _("Đã có chuyên mục “%(name)s”.") % {"name": other.name}}
            )
    return name


def _category_order(order: Any) -> int:
    try:
        value = int(order)
    except (TypeError, ValueError):
        value = -1
    if not 0 <= value <= 32767:
        raise ValidationError({"order": _("Thứ tự là số nguyên từ 0 đến 32767.")})
    return value


def may_manage_categories(user: Any) -> bool:
    """Categories are the sections of the one public site every committee publishes on:
    administrators and the leaders and editors of a national organisation manage them,
    not a district or province that would rename everyone's sections."""
    if not has_role(user, PUBLISHERS):
        return False
    if has_role(user, {Role.ADMIN}):
        return True
    territory = user.territory()
    return territory is not None and territory.level == Level.COUNTRY


def _require_category_manager(actor: Any) -> None:
    if actor is not None and not may_manage_categories(actor):
        raise PermissionDenied(
            _("Chỉ quản trị viên và lãnh đạo, biên tập viên cấp Trung ương quản lý chuyên mục.")
        )


@transaction.atomic
def category_create(*, actor: Any, name: str, order: Any = 100) -> Category:
    """A new category; its address is the accent-free name ('Gương sáng' -> 'guong-sang')."""
    _require_category_manager(actor)
    name = _category_name(name)
    order = _category_order(order)
    base = slugify(fold(name))[:130].strip("-") or "chuyen-muc"
    slug, number = base, 2
    while Category.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    category = Category(name=name, slug=slug, order=order)
    category.full_clean()
    try:
        with transaction.atomic():
            category.save()
    except IntegrityError:
        raise ValidationError(
            {"name": _("Đã có chuyên mục “%(name)s”.") % {"name": name}}
        ) from None
    return category


@transaction.atomic
def category_update(*, actor: Any, category: Category, name: str, order: Any) -> Category:
    """Rename or reorder; the public address stays (links already shared keep working)."""
    _require_category_manager(actor)
    category.name = _category_name(name, exclude_pk=category.pk)
    category.order = _category_order(order)
    category.full_clean()
    try:
        with transaction.atomic():
            category.save(update_fields=["name", "order"])
    except IntegrityError:
        raise ValidationError(
            {"name": _("Đã có chuyên mục “%(name)s”.") % {"name": name}}
        ) from None
    return category


@transaction.atomic
def category_set_active(*, actor: Any, category: Category, active: bool) -> Category:
    """Retire (or bring back) a category; at least one must stay in use."""
    _require_category_manager(actor)
    # Lock the list so two managers cannot retire the last two at the same time.
    active_pks = list(
        Category.objects.select_for_update().filter(is_active=True).values_list("pk", flat=True)
    )
    if not active and active_pks == [category.pk]:
        raise ValidationError(
            {
                "is_active": _(
                    "Phải còn ít nhất một chuyên mục đang dùng; không ngừng dùng được “%(name)s”."
                )
                % {"name": category.name}
            }
        )
    category.is_active = active
    category.save(update_fields=["is_active"])
    return category


def _event(article: Article, actor: Any, from_status: str, note: str = "") -> None:
    ArticleEvent.objects.create(
        article=article,
        from_status=from_status,
        to_status=article.status,
        actor=actor if getattr(actor, "pk", None) else None,
        note=note[:300],
    )


@transaction.atomic
def article_draft_from_course(
    *,
    actor: Any,
    course: Course,
    template_key: str | None = None,
    category: Category | None = None,
) -> Article:
    """A new draft article written from the class's own data (refused outside scope)."""
    if actor is not None:
        require_role(actor, NEWS_ROLES)
        # Only a class of the user's own territory: the article is the organiser's.
        if not in_territory(actor, course, NEWS_ROLES):
            raise PermissionDenied(_("Bạn không có quyền xem lớp này nên không viết tin được."))
    draft = draft_from_facts(class_facts(course), template_key)
    user = actor if getattr(actor, "pk", None) else None
    article = Article(
        owner=course.owner,
        course=course,
        category=category or default_category(),
        title=draft.title[:300],
        slug=unique_slug(draft.title),
        lead=draft.lead,
        body=check_rich_text(draft.body, field="body", label=_("Nội dung")),
        byline=getattr(user, "full_name", "") or "",
        template_key=draft.template_key,
        created_by=user,
        updated_by=user,
    )
    article.full_clean()
    article.save()
    _event(article, actor, "", _("Viết tự động từ dữ liệu lớp"))
    return article


def _require_writer_for(actor: Any, owner: Organization) -> None:
    """News staff write for organisations inside their own territory only."""
    require_role(actor, NEWS_ROLES)
    if not territory_allowed(actor, owner.territory):
        raise PermissionDenied(_("Đơn vị này nằm ngoài phạm vi quản lý của bạn."))


@transaction.atomic
def article_create_blank(
    *, actor: Any, owner: Organization, title: str, category: Category
) -> Article:
    """A new empty draft (news not about one class), owned by an organisation in scope."""
    if actor is not None:
        _require_writer_for(actor, owner)
    title = normalize_text(check_plain_text(title or "", field="title", label=_("Tiêu đề")))
    if not title:
        raise ValidationError({"title": _("Tiêu đề không được để trống.")})
    if not category.is_active:
        raise ValidationError(
            {"category": _("Chuyên mục “%(name)s” đã ngừng dùng.") % {"name": category.name}}
        )
    user = actor if getattr(actor, "pk", None) else None
    article = Article(
        owner=owner,
        category=category,
        title=title[:300],
        slug=unique_slug(title),
        byline=getattr(user, "full_name", "") or "",
        created_by=user,
        updated_by=user,
    )
    article.full_clean()
    article.save()
    _event(article, actor, "", _("Viết tin mới"))
    return article


# Fields whose edits the history names.
_EDIT_FIELDS = {
    "title": gettext_lazy("tiêu đề"),
    "lead": gettext_lazy("sa-pô"),
    "body": gettext_lazy("nội dung"),
    "byline": gettext_lazy("tác giả"),
    "category_id": gettext_lazy("chuyên mục"),
}


def may_edit(user: Any, article: Article) -> bool:
    """Drafts are edited by the news staff in scope; a published article by publishers only."""
    if not may_change(user, article):
        return False
    return article.status != ArticleStatus.PUBLISHED or has_role(user, PUBLISHERS)


@transaction.atomic
def article_update(
    *,
    actor: Any,
    article: Article,
    title: str,
    lead: str,
    body: str,
    byline: str,
    category: Category,
) -> Article:
    """Edit an article; HTML in the body is sanitised, the other fields take none.

    A published article is corrected in place (its address stays) by the
    committee's leaders and editors only; every edit is kept in the history
    with who, when and which fields changed.
    """
    require_change(actor, article)
    article = Article.objects.select_for_update().get(pk=article.pk)
    if actor is not None and not may_edit(actor, article):
        raise PermissionDenied(
            _(
                "Tin đã đăng chỉ lãnh đạo Ban hoặc biên tập viên được sửa; "
                "hãy đề nghị gỡ tin hoặc báo người duyệt."
            )
        )
    if category.pk != article.category_id and not category.is_active:
        raise ValidationError(
            {"category": _("Chuyên mục “%(name)s” đã ngừng dùng.") % {"name": category.name}}
        )
    before = {f: getattr(article, f) for f in _EDIT_FIELDS}
    title = normalize_text(check_plain_text(title, field="title", label=_("Tiêu đề")))
    if not title:
        raise ValidationError({"title": _("Tiêu đề không được để trống.")})
    article.title = title
    article.lead = check_plain_text(lead, field="lead", label=_("Sa-pô"))
    article.byline = normalize_text(check_plain_text(byline, field="byline", label=_("Tác giả")))
    article.body = check_rich_text(body, field="body", label=_("Nội dung"))
    article.category = category
    if article.status != ArticleStatus.PUBLISHED:
        # A published address stays stable; drafts follow their title.
        article.slug = unique_slug(title, exclude_pk=article.pk)
    article.updated_by = actor if getattr(actor, "pk", None) else None
    article.full_clean()
    article.save()
    changed = [str(label) for f, label in _EDIT_FIELDS.items() if getattr(article, f) != before[f]]
    if changed:
        note = _("Sửa: %(fields)s") % {"fields": ", ".join(changed)}
        if article.status == ArticleStatus.PUBLISHED:
            note = _("Sửa tin đã đăng: %(fields)s") % {"fields": ", ".join(changed)}
        _event(article, actor, article.status, note)
    return article


def may_publish(user: Any, article: Article) -> bool:
    return has_role(user, PUBLISHERS) and may_change(user, article)


@transaction.atomic
def article_transition(*, actor: Any, article: Article, to_status: str, note: str = "") -> Article:
    """Move an article along draft → review → published → unpublished, keeping who and when."""
    require_change(actor, article)
    note = clean_note(note, field=_("Ghi chú"), limit=300, key="note")
    locked = Article.objects.select_for_update().get(pk=article.pk)
    if to_status not in locked.next_statuses():
        raise ValidationError(
            {
                "to_status": _("Không chuyển được tin từ “%(a)s” sang “%(b)s”.")
                % {
                    "a": locked.get_status_display(),
                    "b": dict(ArticleStatus.choices).get(to_status, to_status),
                }
            }
        )
    touches_public = ArticleStatus.PUBLISHED in (to_status, locked.status)
    if touches_public and actor is not None and not may_publish(actor, locked):
        raise PermissionDenied(_("Chỉ lãnh đạo Ban hoặc biên tập viên được đăng hay gỡ tin."))
    if to_status == ArticleStatus.PUBLISHED and not locked.body.strip() and not locked.lead:
        raise ValidationError({"to_status": _("Tin chưa có nội dung, không đăng được.")})
    from_status = locked.status
    locked.status = to_status
    fields = ["status", "updated_at"]
    if to_status == ArticleStatus.PUBLISHED:
        locked.published_at = timezone.now()
        locked.published_by = actor if getattr(actor, "pk", None) else None
        fields += ["published_at", "published_by"]
    locked.save(update_fields=fields)
    _event(locked, actor, from_status, note)
    return locked


@transaction.atomic
def image_add(
    *, actor: Any, article: Article, upload: UploadedFile, caption: str, alt: str
) -> ArticleImage:
    """A photo of the class: content checked (not the name), size limited, caption required."""
    require_change(actor, article)
    caption = normalize_text(check_plain_text(caption, field="caption", label=_("Chú thích")))
    alt = normalize_text(check_plain_text(alt, field="alt", label=_("Mô tả ảnh")))
    if not caption:
        raise ValidationError({"caption": _("Ảnh cần có chú thích.")})
    if not alt:
        raise ValidationError({"alt": _("Ảnh cần có mô tả cho người khiếm thị.")})
    kind = check_image(upload)
    if ArticleImage.objects.filter(article=article).count() >= MAX_IMAGES:
        raise ValidationError({"file": _("Mỗi tin tối đa %(n)d ảnh.") % {"n": MAX_IMAGES}})
    order = ArticleImage.objects.filter(article=article).count() + 1
    extension = {"jpeg": "jpg"}.get(kind, kind)
    upload.name = f"anh-{order}.{extension}"
    image = ArticleImage(
        article=article,
        file=upload,
        kind=kind,
        caption=caption,
        alt=alt,
        order=order,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    image.full_clean()
    image.save()
    return image


@transaction.atomic
def image_delete(*, actor: Any, image: ArticleImage) -> None:
    require_change(actor, image.article)
    image.file.delete(save=False)
    image.delete()


def record_view(*, article: Article, visitor: str, user_agent: str) -> bool:
    """Count a reader once a day per article; bots and reloads do not count."""
    if is_bot(user_agent) or not article.is_public:
        return False
    day = timezone.localdate()
    try:
        with transaction.atomic():
            ArticleView.objects.create(article=article, visitor=visitor, day=day)
    except IntegrityError:
        return False
    Article.objects.filter(pk=article.pk).update(view_count=F("view_count") + 1)
    return True


def article_rate(*, article: Article, visitor: str, score: Any) -> ArticleRating:
    if not article.is_public:
        raise ValidationError(_("Tin này không nhận đánh giá."))
    try:
        value = int(score)
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= 5:
        raise ValidationError({"score": _("Chọn điểm đánh giá từ 1 đến 5 sao.")})
    try:
        with transaction.atomic():
            return ArticleRating.objects.create(article=article, visitor=visitor, score=value)
    except IntegrityError:
        raise ValidationError({"score": _("Bạn đã đánh giá bài này rồi.")}) from None


def comment_submit(
    *,
    article: Article,
    name: str,
    email: str,
    message: str,
    sender: str,
    honeypot: str = "",
) -> Comment:
    """A reader's feedback, held for moderation; floods and bots are refused."""
    if not article.is_public:
        raise ValidationError(_("Tin này không nhận ý kiến."))
    if honeypot:
        raise ValidationError(_("Không gửi được ý kiến (nghi là thư rác)."))
    errors: dict[str, str] = {}
    name = normalize_text(name)
    message = message.strip()
    if not name:
        errors["name"] = _("Nhập họ và tên.")
    elif len(name) > 100:
        errors["name"] = _("Họ và tên tối đa 100 ký tự.")
    try:
        validate_email(email.strip())
    except ValidationError:
        errors["email"] = _("Thư điện tử không hợp lệ.")
    if not message:
        errors["message"] = _("Nhập nội dung ý kiến.")
    elif len(message) > 2000:
        errors["message"] = _("Nội dung tối đa 2.000 ký tự.")
    for field, value, label in [
        ("name", name, _("Họ và tên")),
        ("message", message, _("Nội dung")),
    ]:
        if field not in errors:
            try:
                check_plain_text(value, field=field, label=label)
            except ValidationError as exc:
                errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    since = timezone.now() - datetime.timedelta(hours=1)
    with transaction.atomic():
        # Senders of one article queue on its row, so a burst sent at the same
        # instant cannot slip past the count.
        Article.objects.select_for_update().filter(pk=article.pk).values_list("pk").get()
        recent = Comment.objects.filter(sender=sender, created_at__gte=since)
        if recent.count() >= MAX_COMMENTS_PER_HOUR:
            raise ValidationError(
                _("Bạn đã gửi %(n)d ý kiến trong một giờ qua; vui lòng gửi lại sau.")
                % {"n": MAX_COMMENTS_PER_HOUR}
            )
        return Comment.objects.create(
            article=article, name=name, email=email.strip(), message=message, sender=sender
        )


@transaction.atomic
def comment_moderate(*, actor: Any, comment: Comment, status: str) -> Comment:
    require_change(actor, comment)
    if status not in (CommentStatus.APPROVED, CommentStatus.REJECTED):
        raise ValidationError({"status": _("Chọn duyệt hoặc không duyệt.")})
    comment.status = status
    comment.moderated_by = actor if getattr(actor, "pk", None) else None
    comment.moderated_at = timezone.now()
    comment.save(update_fields=["status", "moderated_by", "moderated_at"])
    return comment
