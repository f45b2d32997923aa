"""RSS and Atom feeds of the published news (django.contrib.syndication)."""

from __future__ import annotations

import datetime

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from news import selectors
from news.models import Article

FEED_SIZE = 20


class LatestNews(Feed[Article, None]):
    title = "Tin tập huấn công tác dân vận"
    description = "Tin bài về các lớp bồi dưỡng, tập huấn nghiệp vụ công tác dân vận."

    def link(self) -> str:
        return reverse("news:index")

    def items(self) -> QuerySet[Article]:
        return selectors.published()[:FEED_SIZE]

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        return item.lead

    def item_link(self, item: Article) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: Article) -> datetime.datetime | None:
        return item.published_at

    def item_updateddate(self, item: Article) -> datetime.datetime | None:
        return item.updated_at

    def item_author_name(self, item: Article) -> str | None:
        return item.byline or None

    def item_categories(self, item: Article) -> list[str]:
        return [item.category.name]


class LatestNewsAtom(LatestNews):
    feed_type = Atom1Feed
    subtitle = LatestNews.description
