"""Navigation by role: each entry is shown only to the roles that may use it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.roles import COMMITTEE, MANAGERS, Role
from core.scope import has_role

_MENU: list[tuple[Any, str, frozenset[str] | None]] = [
    (_("Trang chủ"), "core:home", None),
    (_("Địa giới hành chính"), "geo:unit_browser", None),
    (_("Cơ quan, đơn vị"), "orgs:list", COMMITTEE | {Role.FOCAL_POINT, Role.EDITOR}),
    (_("Tài khoản"), "accounts:user_list", MANAGERS),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": []}
    current = request.resolver_match.view_name if request.resolver_match else ""
    menu = [
        {
            "label": label,
            "url": reverse(name),
            "active": current.split(":")[0] == name.split(":")[0],
        }
        for label, name, roles in _MENU
        if roles is None or has_role(user, roles)
    ]
    return {"menu": menu}
