"""The one scope gate (DESIGN.md §3).

Every scoped model names the lookup from itself to the `AdminUnit` that is
its owner's territory (`scope_territory`, a chain of forward foreign keys so
that filtering never duplicates rows) and the roles that may view and change
it (`scope_view_roles`, `scope_change_roles`). Two optional attributes widen
reading only: `scope_shared_view` (a catalogue every holder of a view role may
read, such as topics and lecturers) and `scope_own` / `scope_own_change` (for some roles, a path to
the user through which a row is the user's own: a lecturer's sessions, the
classes in which a focal point's unit holds a quota).
Pages, exports, API and tasks
get querysets and objects only through `restrict`, `get_for_user`,
`restrict_territory` / `get_in_territory` (running a class: the organiser's
territory only), `units_in_scope` and `territory_allowed`; nothing filters by territory by hand.

A record lies inside a territory when its unit's path starts with the
territory's path. A territory on today's map also covers the old units all of
whose successors lie inside it: today's Đồng Nai committee sees the 2017
classes of Bình Phước.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from core.roles import COMMITTEE, Role
from geo.models import AdminUnit, MapEdition

VIEW = "view"
CHANGE = "change"

M = TypeVar("M", bound=models.Model)


def _is_admin(user: Any) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or Role.ADMIN in user.role_set())
    )


def roles_of(user: Any) -> frozenset[str]:
    if isinstance(user, AnonymousUser) or not user.is_authenticated or not user.is_active:
        return frozenset()
    return frozenset(user.role_set())


def has_role(user: Any, roles: Iterable[str]) -> bool:
    if _is_admin(user):
        return True
    return bool(roles_of(user) & set(roles))


def territory_units_q(territory: AdminUnit, lookup: str) -> Q:
    """Q on `lookup` (a path to an AdminUnit) for units inside `territory`."""
    prefix = f"{lookup}__" if lookup else ""
    inside = Q(**{f"{prefix}path__startswith": territory.path})
    if territory.edition != MapEdition.CURRENT:
        return inside
    # Old units all of whose successors lie inside (see AdminUnit.covered_path).
    return inside | Q(**{f"{prefix}covered_path__startswith": territory.path})


def _model_roles(model: type[models.Model], action: str) -> frozenset[str]:
    roles: frozenset[str] = getattr(model, f"scope_{action}_roles", frozenset())
    return roles


def _own_paths(model: type[models.Model], action: str) -> Mapping[str, str]:
    """Role -> path to the user for the rows that are the user's own.

    `scope_own` widens viewing, `scope_own_change` widens changing (a focal
    point edits the people their own unit manages).
    """
    name = "scope_own" if action == VIEW else "scope_own_change"
    paths: Mapping[str, str] = getattr(model, name, {})
    return paths


def restrict(
    queryset: QuerySet[M] | models.Manager[M], user: Any, action: str = VIEW
) -> QuerySet[M]:
    """The rows of `queryset` that `user` may see (or change): deny by default."""
    queryset = queryset.all()
    model = queryset.model
    if not roles_of(user):
        return queryset.none()
    if _is_admin(user):
        return queryset
    allowed = Q(pk__in=[])
    if has_role(user, _model_roles(model, action)):
        if action == VIEW and getattr(model, "scope_shared_view", False):
            return queryset
        territory = user.territory()
        if territory is not None:
            lookup: str = model.scope_territory  # type: ignore[attr-defined]
            allowed |= territory_units_q(territory, lookup)
    own_paths = _own_paths(model, action)
    # Only for the roles that have own rows (lecturers, focal points): the extra
    # subquery would otherwise slow every committee user's list for nothing.
    if own_paths:
        for role in sorted(roles_of(user) & set(own_paths)):
            # Rows reached through the user (a lecturer's sessions); a subquery,
            # so a many-to-many path never duplicates rows.
            own = model._default_manager.filter(**{own_paths[role]: user}).values("pk")
            allowed |= Q(pk__in=own)
    return queryset.filter(allowed)


def get_for_user(
    queryset: QuerySet[M] | models.Manager[M], user: Any, pk: Any, action: str = VIEW
) -> M:
    """One object the user may act on: 404 outside the territory, 403 for a role lacking."""
    visible = restrict(queryset, user, VIEW)
    try:
        obj = visible.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404(_("Không tìm thấy hoặc bạn không có quyền xem mục này.")) from None
    if action != VIEW:
        require_change(user, obj)
    return obj


def restrict_territory(
    queryset: QuerySet[M] | models.Manager[M], user: Any, roles: Iterable[str]
) -> QuerySet[M]:
    """The rows inside the user's own territory, for a holder of one of `roles`.

    Unlike `restrict`, a row the user reaches only as their own (a class they
    lecture in, a class in which their unit holds a quota) is left out: running
    a class (attendance, papers, surveys, results, news about it) is the work of
    its organiser's territory, whatever other roles the user also holds.
    """
    queryset = queryset.all()
    if _is_admin(user):
        return queryset
    if not has_role(user, roles):
        return queryset.none()
    territory = user.territory()
    if territory is None:
        return queryset.none()
    lookup: str = queryset.model.scope_territory  # type: ignore[attr-defined]
    return queryset.filter(territory_units_q(territory, lookup))


def get_in_territory(
    queryset: QuerySet[M] | models.Manager[M], user: Any, pk: Any, roles: Iterable[str]
) -> M:
    """One object inside the user's territory: 403 for a role lacking, 404 outside."""
    require_role(user, roles)
    try:
        return restrict_territory(queryset, user, roles).get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404(_("Không tìm thấy hoặc bạn không có quyền xem mục này.")) from None


def in_territory(user: Any, obj: models.Model, roles: Iterable[str]) -> bool:
    """Is `obj` inside the territory of `user` acting as one of `roles`? (None: the system.)"""
    if user is None:
        return True
    manager = type(obj)._default_manager
    return restrict_territory(manager.filter(pk=obj.pk), user, roles).exists()


def require_role(user: Any, roles: Iterable[str]) -> None:
    if not has_role(user, roles):
        raise PermissionDenied(_("Vai trò của bạn không được dùng chức năng này."))


def units_in_scope(user: Any) -> QuerySet[AdminUnit]:
    """Administrative units the user may place records on (their territory)."""
    units = AdminUnit.objects.all()
    if _is_admin(user):
        return units
    territory = user.territory() if roles_of(user) else None
    if territory is None:
        return units.none()
    return units.filter(territory_units_q(territory, ""))


def territory_allowed(user: Any, unit: AdminUnit | None) -> bool:
    """May `user` put a record on `unit` (create or move something there)?"""
    if unit is None:
        return _is_admin(user)
    return units_in_scope(user).filter(pk=unit.pk).exists()


def may_change(user: Any, obj: models.Model) -> bool:
    """May `user` change `obj`? No query when the role alone decides."""
    if _is_admin(user):
        return True
    if not has_role(user, _model_roles(type(obj), CHANGE) | set(_own_paths(type(obj), CHANGE))):
        return False
    manager = type(obj)._default_manager
    return restrict(manager.all(), user, CHANGE).filter(pk=obj.pk).exists()


def require_change(user: Any, obj: models.Model) -> None:
    """For services: refuse unless `user` may change `obj` (None: system, allowed)."""
    if user is not None and not may_change(user, obj):
        raise PermissionDenied(_("Bạn không có quyền thay đổi mục này."))


def require_owner_in_scope(user: Any, owner: Any) -> None:
    """For services creating a record owned by `owner` (an Organization)."""
    if user is None:
        return
    if not has_role(user, COMMITTEE) or not territory_allowed(user, owner.territory):
        raise PermissionDenied(_("Đơn vị này nằm ngoài phạm vi quản lý của bạn."))
