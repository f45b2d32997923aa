"""Reads for news: the public side sees published articles only."""

from __future__ import annotations

from typing import Any

from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone

from core.scope import restrict
from news.models import Article, ArticleStatus, Category, Comment, CommentStatus


def published() -> QuerySet[Article]:
    """What the public may read: published, dated, newest first."""
    return (
        Article.objects.filter(status=ArticleStatus.PUBLISHED, published_at__lte=timezone.now())
        .select_related("category")
        .order_by("-published_at", "-pk")
    )


def public_article(slug: str) -> Article | None:
    return published().prefetch_related("images").filter(slug=slug).first()


def related(article: Article, limit: int = 5) -> QuerySet[Article]:
    return published().filter(category=article.category_id).exclude(pk=article.pk)[:limit]


def categories() -> QuerySet[Category]:
    """The public menu: categories in use (a retired one stays reachable by its address)."""
    return Category.objects.filter(is_active=True)


def categories_for_management() -> QuerySet[Category]:
    """Every category with how many articles (and published ones) it holds."""
    return Category.objects.annotate(
        article_count=Count("articles", distinct=True),
        published_count=Count(
            "articles", filter=Q(articles__status=ArticleStatus.PUBLISHED), distinct=True
        ),
    ).order_by("-is_active", "order", "name")


def approved_comments(article: Article) -> QuerySet[Comment]:
    return article.comments.filter(status=CommentStatus.APPROVED).order_by("created_at", "pk")


def rating_summary(article: Article) -> dict[str, Any]:
    return article.ratings.aggregate(average=Avg("score"), count=Count("pk"))


def staff_articles(user: Any) -> QuerySet[Article]:
    return restrict(Article.objects.select_related("category", "owner", "course"), user).order_by(
        "-updated_at", "-pk"
    )


def pending_comments(user: Any) -> QuerySet[Comment]:
    return (
        restrict(Comment.objects.select_related("article"), user)
        .filter(status=CommentStatus.PENDING)
        .order_by("created_at", "pk")
    )
