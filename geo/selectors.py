"""Reads of the administrative map."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from core.text import tokens
from geo.models import AdminUnit, Level, MapEdition, UnitSuccession

MAX_QUERY_LENGTH = 100


class SearchError(ValueError):
    """A search text we refuse, with a message for the user."""


def clean_query(raw: str) -> list[str]:
    if len(raw) > MAX_QUERY_LENGTH:
        raise SearchError(
            _("Từ khoá tìm kiếm quá dài (tối đa %(n)d ký tự).") % {"n": MAX_QUERY_LENGTH}
        )
    words = tokens(raw)
    if raw.strip() and not words:
        raise SearchError(_("Từ khoá tìm kiếm không có chữ hoặc số nào để tìm."))
    return words


def unit_search(
    *,
    query: str = "",
    edition: str = "",
    level: str = "",
    within: AdminUnit | None = None,
) -> QuerySet[AdminUnit]:
    """Units whose folded name contains every word of `query`, in Vietnamese order."""
    units = AdminUnit.objects.select_related("parent", "parent__parent")
    for word in clean_query(query):
        # A number may be an official code ("70") or part of a name ("Phường 5").
        match = Q(name_folded__contains=word)
        if word.isascii() and word.isdigit():
            match |= Q(code=word)
        units = units.filter(match)
    if edition in MapEdition.values:
        units = units.filter(edition=edition)
    if level in Level.values:
        units = units.filter(level=level)
    if within is not None:
        units = units.filter(path__startswith=within.path)
    return units.order_by("sort_key", "pk")


def provinces(edition: str) -> QuerySet[AdminUnit]:
    return AdminUnit.objects.filter(edition=edition, level=Level.PROVINCE).order_by("sort_key")


def unit_children(unit: AdminUnit) -> QuerySet[AdminUnit]:
    return unit.children.order_by("level", "sort_key")


def unit_successions(unit: AdminUnit) -> QuerySet[UnitSuccession]:
    """Where an old unit went (for legacy units) with each successor's province."""
    return (
        UnitSuccession.objects.filter(predecessor=unit)
        .select_related("successor", "successor__parent")
        .order_by("successor__sort_key")
    )


def unit_predecessions(unit: AdminUnit) -> QuerySet[UnitSuccession]:
    """Which old units a current unit came from (communes, districts, provinces)."""
    return (
        UnitSuccession.objects.filter(successor=unit)
        .select_related("predecessor", "predecessor__parent", "predecessor__parent__parent")
        .order_by("predecessor__level", "predecessor__sort_key")
    )


def geography_counts() -> dict[str, int]:
    def count(edition: str, level: str) -> int:
        return AdminUnit.objects.filter(edition=edition, level=level).count()

    legacy_communes = AdminUnit.objects.filter(edition=MapEdition.LEGACY, level=Level.COMMUNE)
    return {
        "current provinces": count(MapEdition.CURRENT, Level.PROVINCE),
        "current communes": count(MapEdition.CURRENT, Level.COMMUNE),
        "legacy provinces": count(MapEdition.LEGACY, Level.PROVINCE),
        "legacy districts": count(MapEdition.LEGACY, Level.DISTRICT),
        "legacy communes": legacy_communes.count(),
        "legacy communes without successor": legacy_communes.filter(
            succession_out__isnull=True
        ).count(),
        "villages": AdminUnit.objects.filter(level=Level.VILLAGE).count(),
        "successions": UnitSuccession.objects.count(),
    }
