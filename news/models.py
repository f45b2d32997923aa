"""News articles (tin bài) drafted from a class, edited, reviewed and published.

Public pages read only published articles; everything else goes through the
scope gate by the article's owner (an organisation and its territory).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.roles import COMMITTEE, Role

# Who writes, edits and publishes news (DESIGN.md §3: the committee and its editors).
NEWS_ROLES = COMMITTEE | {Role.EDITOR}


class Category(models.Model):
    """Chuyên mục: reference data shared by every committee.

    A retired category (``is_active`` off) keeps its articles and its public
    address, but leaves the public menu and is not offered for new articles.
    """

    name = models.CharField(_("tên chuyên mục"), max_length=120, unique=True)
    slug = models.SlugField(_("đường dẫn"), max_length=140, unique=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=100)
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("chuyên mục")
        verbose_name_plural = _("chuyên mục")
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(slug="") & ~Q(name=""),
                name="news_category_has_name_and_slug",
                violation_error_message=_("Chuyên mục phải có tên và đường dẫn."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("news:category", kwargs={"category_slug": self.slug})


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    REVIEW = "review", _("Chờ duyệt")
    PUBLISHED = "published", _("Đã đăng")
    UNPUBLISHED = "unpublished", _("Đã gỡ")


# The workflow: each status and where it may go next.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    ArticleStatus.DRAFT: (ArticleStatus.REVIEW,),
    ArticleStatus.REVIEW: (ArticleStatus.PUBLISHED, ArticleStatus.DRAFT),
    ArticleStatus.PUBLISHED: (ArticleStatus.UNPUBLISHED,),
    ArticleStatus.UNPUBLISHED: (ArticleStatus.DRAFT, ArticleStatus.PUBLISHED),
}


class Article(models.Model):
    """Tin bài: one news article, usually drafted from a class's data."""

    owner = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("đơn vị"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    course = models.ForeignKey(
        "courses.Course",
        verbose_name=_("lớp"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
    )
    category = models.ForeignKey(
        Category, verbose_name=_("chuyên mục"), on_delete=models.PROTECT, related_name="articles"
    )
    title = models.CharField(_("tiêu đề"), max_length=300)
    slug = models.SlugField(_("đường dẫn"), max_length=220, unique=True, allow_unicode=False)
    lead = models.TextField(_("sa-pô (đoạn dẫn)"), max_length=1500, blank=True)
    body = models.TextField(_("nội dung"), blank=True)
    byline = models.CharField(_("tác giả"), max_length=150, blank=True)
    template_key = models.CharField(max_length=20, blank=True, editable=False)
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    published_at = models.DateTimeField(_("ngày đăng"), null=True, blank=True)
    published_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    view_count = models.PositiveIntegerField(_("lượt xem"), default=0)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    scope_territory = "owner__territory"
    scope_view_roles = NEWS_ROLES
    scope_change_roles = NEWS_ROLES

    class Meta:
        verbose_name = _("tin bài")
        verbose_name_plural = _("tin bài")
        ordering = ["-published_at", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="news_published_has_date",
                violation_error_message=_("Tin đã đăng phải có ngày đăng."),
            ),
            models.CheckConstraint(condition=~Q(slug=""), name="news_article_has_slug"),
        ]
        indexes = [models.Index(fields=["status", "category", "published_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("news:article", kwargs={"slug": self.slug})

    @property
    def is_public(self) -> bool:
        return self.status == ArticleStatus.PUBLISHED

    def next_statuses(self) -> tuple[str, ...]:
        return TRANSITIONS.get(self.status, ())


class ArticleEvent(models.Model):
    """Who moved an article from one status to the next (or edited it), and when.

    An edit keeps the status (``from_status == to_status``) and names the
    changed fields in ``note``.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=12, choices=ArticleStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=ArticleStatus.choices)
    note = models.CharField(max_length=300, blank=True)
    actor = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


def image_path(instance: ArticleImage, filename: str) -> str:
    return f"news/{instance.article_id}/{filename}"


class ArticleImage(models.Model):
    """A photo of the class with its caption; shown as a figure of the article."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="images")
    file = models.FileField(_("ảnh"), upload_to=image_path, max_length=300)
    kind = models.CharField(max_length=10, editable=False)
    caption = models.CharField(_("chú thích"), max_length=300)
    alt = models.CharField(_("mô tả ảnh (cho người khiếm thị)"), max_length=300)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    uploaded_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    scope_territory = "article__owner__territory"
    scope_view_roles = NEWS_ROLES
    scope_change_roles = NEWS_ROLES

    class Meta:
        verbose_name = _("ảnh")
        verbose_name_plural = _("ảnh")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(alt=""),
                name="news_image_has_alt",
                violation_error_message=_("Ảnh phải có mô tả."),
            )
        ]

    def __str__(self) -> str:
        return self.caption

    def get_absolute_url(self) -> str:
        return reverse("news:image", kwargs={"image_pk": self.pk})


class ArticleView(models.Model):
    """One visitor (hashed address and browser) reading an article on one day."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    visitor = models.CharField(max_length=64)
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["article", "visitor", "day"], name="news_view_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.article_id} {self.day}"


class ArticleRating(models.Model):
    """One visitor's rating (1–5) of an article."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="ratings")
    visitor = models.CharField(max_length=64)
    score = models.PositiveSmallIntegerField(_("điểm"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["article", "visitor"],
                name="news_rating_once",
                violation_error_message=_("Bạn đã đánh giá bài này."),
            ),
            models.CheckConstraint(
                condition=Q(score__gte=1) & Q(score__lte=5),
                name="news_rating_1_5",
                violation_error_message=_("Điểm đánh giá từ 1 đến 5."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article_id}: {self.score}"


class CommentStatus(models.TextChoices):
    PENDING = "pending", _("Chờ duyệt")
    APPROVED = "approved", _("Đã duyệt")
    REJECTED = "rejected", _("Không duyệt")


class Comment(models.Model):
    """Ý kiến bạn đọc: shown on the article only after a moderator approves it."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    name = models.CharField(_("họ và tên"), max_length=100)
    email = models.EmailField(_("thư điện tử"), max_length=200)
    message = models.TextField(_("nội dung"), max_length=2000)
    sender = models.CharField(max_length=64, db_index=True, editable=False)
    status = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=CommentStatus.choices,
        default=CommentStatus.PENDING,
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    moderated_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)

    scope_territory = "article__owner__territory"
    scope_view_roles = NEWS_ROLES
    scope_change_roles = NEWS_ROLES

    class Meta:
        verbose_name = _("ý kiến bạn đọc")
        verbose_name_plural = _("ý kiến bạn đọc")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name}: {self.message[:40]}"
