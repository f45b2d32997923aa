"""Readers hitting one article at the same instant (PostgreSQL): one view per
reader per day, one rating per reader, and a feedback burst still capped."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from news import services
from news.models import ArticleRating, Comment
from tests.concurrency import race
from tests.news_helpers import published_article

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises every write: concurrency is only meaningful on PostgreSQL",
    ),
]

THREADS = 12
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0 Safari/537.36"


def test_same_reader_at_once_counts_once(owner_org: Any) -> None:
    article = published_article(owner_org)
    results, errors = race(
        [
            lambda: services.record_view(article=article, visitor="same", user_agent=BROWSER)
            for _ in range(THREADS)
        ]
    )
    assert errors == [] and results.count(True) == 1
    article.refresh_from_db()
    assert article.view_count == 1


def test_same_reader_rates_once(owner_org: Any) -> None:
    article = published_article(owner_org)
    _results, errors = race(
        [
            lambda: services.article_rate(article=article, visitor="same", score=5)
            for _ in range(THREADS)
        ]
    )
    assert len(errors) == THREADS - 1
    assert ArticleRating.objects.filter(article=article).count() == 1


def test_feedback_burst_from_one_address_is_capped(owner_org: Any) -> None:
    article = published_article(owner_org)

    def send() -> Any:
        return services.comment_submit(
            article=article, name="A", email="a@example.vn", message="m", sender="one-ip"
        )

    results, errors = race([send for _ in range(THREADS)])
    assert len(results) == services.MAX_COMMENTS_PER_HOUR
    assert len(errors) == THREADS - services.MAX_COMMENTS_PER_HOUR
    assert Comment.objects.filter(article=article).count() == services.MAX_COMMENTS_PER_HOUR
