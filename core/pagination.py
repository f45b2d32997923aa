from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest


def paginate(request: HttpRequest, items: Any, per_page: int = 50) -> Page[Any]:
    """A page of `items`; a bad or out-of-range page number gives the nearest page."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))
