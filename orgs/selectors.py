"""Reads of organisations, always through the scope gate."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from core.scope import VIEW, restrict
from core.text import tokens
from orgs.models import Organization, OrganizationKind


def organization_list(
    *, user: Any, query: str = "", kind: str = "", action: str = VIEW
) -> QuerySet[Organization]:
    organizations = restrict(Organization.objects.all(), user, action).select_related(
        "territory", "parent", "territory__parent"
    )
    for word in tokens(query)[:10]:
        organizations = organizations.filter(name_folded__contains=word)
    if kind in OrganizationKind.values:
        organizations = organizations.filter(kind=kind)
    return organizations.order_by("sort_key", "pk")
