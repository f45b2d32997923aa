"""Navigation by role: each entry is shown only to the roles that may use it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.roles import COMMITTEE, MANAGERS, Role
from core.scope import has_role

_MENU: list[tuple[Any, str, frozenset[str] | None, Any]] = [
    (_("Trang chủ"), "core:home", None, ""),
    (
        _("Địa giới hành chính"),
        "geo:unit_browser",
        None,
        _("Tỉnh, huyện, xã trên bản đồ mới và bản đồ trước 01/7/2025; tra cứu cũ ↔ mới."),
    ),
    (
        _("Cơ quan, đơn vị"),
        "orgs:list",
        COMMITTEE | {Role.FOCAL_POINT, Role.EDITOR},
        _("Ban Dân vận, trường chính trị, MTTQ, đoàn thể… trên địa bàn; lịch sử tên gọi."),
    ),
    (
        _("Tài khoản"),
        "accounts:user_list",
        MANAGERS,
        _("Tài khoản và vai trò của cán bộ trong phạm vi quản lý."),
    ),
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
            "description": description,
        }
        for label, name, roles, description in _MENU
        if roles is None or has_role(user, roles)
    ]
    return {"menu": menu}
