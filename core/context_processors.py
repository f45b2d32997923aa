"""Navigation by role: each entry is shown only to the roles that may use it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.roles import COMMITTEE, COURSE_READERS, MANAGERS, Role
from core.scope import has_role, roles_of


@dataclass(frozen=True)
class MenuItem:
    label: Promise
    url_name: str
    roles: frozenset[str] | None
    description: Promise | str = ""
    # View names (prefixes) under which this entry is the current one.
    sections: tuple[str, ...] = ()
    short: Promise | None = None  # label in the top bar when the full one is long
    group: Promise | None = None  # dropdown of the top bar holding this entry
    # Shown only to those who hold one of `roles` themselves: an administrator has no
    # unit to nominate from and no classes of their own as a trainee.
    held_only: bool = False


PEOPLE = pgettext_lazy("menu", "Học viên")
CATALOGUES = pgettext_lazy("menu", "Danh mục")


MENU = [
    MenuItem(_("Trang chủ"), "core:home", None, sections=("core:home",)),
    MenuItem(
        _("Kế hoạch"), "planning:plan_list", COMMITTEE | {Role.EDITOR},
        _("Kế hoạch năm: số, ký hiệu, chỉ tiêu; số lớp và học viên đạt được so với kế hoạch."),
        ("planning:",),
    ),
    MenuItem(
        _("Lớp"), "courses:course_list", COURSE_READERS,
        _("Lớp bồi dưỡng, tập huấn, cụm lớp; chương trình, báo cáo viên, đại biểu."),
        ("courses:course", "courses:cluster", "courses:session", "courses:guest"),
    ),
    MenuItem(
        _("Lịch"), "calendar:month", COURSE_READERS,
        _("Lịch tháng, lịch tuần của các lớp và buổi học."), ("calendar:",),
    ),
    MenuItem(
        _("Lớp được giao chỉ tiêu"), "nominations:my_courses", frozenset({Role.FOCAL_POINT}),
        _("Các lớp đơn vị được giao chỉ tiêu: cử học viên trước hạn, theo dõi kết quả duyệt."),
        ("nominations:my_courses", "nominations:nominate", "nominations:person_options"),
        _("Cử học viên"),
        held_only=True,
    ),
    MenuItem(
        _("Hồ sơ học viên"), "people:person_list", COMMITTEE | {Role.FOCAL_POINT},
        _("Hồ sơ cán bộ, học viên: tìm không dấu, CCCD, đối tượng; phát hiện và gộp hồ sơ trùng."),
        ("people:person", "people:duplicate", "people:unit_options"),
        _("Hồ sơ"),
        group=PEOPLE,
    ),
    MenuItem(
        _("Danh sách cần bồi dưỡng"), "people:roster_list", COMMITTEE,
        _("Danh sách đối tượng phải bồi dưỡng trong kỳ và tỉ lệ đã được bồi dưỡng theo địa bàn."),
        ("people:roster",),
        _("Đối tượng"),
        group=PEOPLE,
    ),
    MenuItem(
        _("Nhập dữ liệu từ tệp"), "ingest:job_list", COMMITTEE | {Role.FOCAL_POINT},
        _("Nhập danh sách người, danh sách cần bồi dưỡng, danh sách cử đi học từ Excel, CSV."),
        ("ingest:",),
        _("Nhập tệp"),
        group=PEOPLE,
    ),
    MenuItem(
        _("Chuyên đề"), "courses:topic_list", COMMITTEE | {Role.SECRETARY, Role.LECTURER},
        _("Danh mục chuyên đề dùng chung, tài liệu kèm theo."),
        ("courses:topic", "courses:material"),
        group=CATALOGUES,
    ),
    MenuItem(
        _("Báo cáo viên"), "courses:lecturer_list", COMMITTEE | {Role.SECRETARY},
        _("Báo cáo viên, học hàm học vị, chuyên đề và lịch sử giảng dạy."),
        ("courses:lecturer",),
        group=CATALOGUES,
    ),
    MenuItem(
        _("Đối tượng học viên"), "people:category_list", COMMITTEE,
        _("Danh mục đối tượng học viên dùng chung; quản trị hệ thống thêm, sửa, ngừng dùng."),
        ("people:category",),
        group=CATALOGUES,
    ),
    MenuItem(
        _("Địa giới hành chính"), "geo:unit_browser", None,
        _("Tỉnh, huyện, xã trên bản đồ mới và bản đồ trước 01/7/2025; tra cứu cũ ↔ mới."),
        ("geo:",),
        _("Địa giới"),
        group=CATALOGUES,
    ),
    MenuItem(
        _("Cơ quan, đơn vị"), "orgs:list", COMMITTEE | {Role.FOCAL_POINT, Role.EDITOR},
        _("Ban Dân vận, trường chính trị, MTTQ, đoàn thể… trên địa bàn; lịch sử tên gọi."),
        ("orgs:",),
        _("Cơ quan"),
        group=CATALOGUES,
    ),
    MenuItem(
        _("Lớp của tôi"), "trainee:home", frozenset({Role.TRAINEE}),
        _("Lịch học, tài liệu, điểm danh, bài thu hoạch, phiếu đánh giá, giấy chứng nhận."),
        ("trainee:home",),
        held_only=True,
    ),
    MenuItem(
        _("Thống kê"), "stats:dashboard", COMMITTEE,
        _("Số lớp, số học viên theo địa bàn, đối tượng, năm; giờ giảng; "
          "báo cáo kết quả (Word, PDF)."),
        ("stats:",),
    ),
    MenuItem(
        _("Tin bài"), "news:staff_list", COMMITTEE | {Role.EDITOR},
        _("Viết tin từ dữ liệu lớp, sửa, duyệt, đăng; ý kiến bạn đọc chờ duyệt."),
        ("news:staff_list", "news:draft", "news:edit", "news:preview", "news:moderation"),
    ),
    MenuItem(
        _("Tài khoản"), "accounts:user_list", MANAGERS,
        _("Tài khoản và vai trò của cán bộ trong phạm vi quản lý."), ("accounts:user",),
    ),
]  # fmt: skip


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": []}
    current = request.resolver_match.view_name if request.resolver_match else ""
    urls = _menu_urls()
    menu = [
        {
            "label": item.label,
            "short": item.short or item.label,
            "url": urls[item.url_name],
            "active": any(current.startswith(section) for section in item.sections),
            "description": item.description,
            "group": item.group,
        }
        for item in MENU
        if item.roles is None
        or (roles_of(user) & item.roles if item.held_only else has_role(user, item.roles))
    ]
    return {"menu": menu, "menu_bar": _bar(menu)}


# The menu's URLs, reversed once per URL configuration and script prefix (every
# page renders the menu; reversing it cost more than some pages' queries).
_URLS: dict[tuple[str, str, str], dict[str, str]] = {}


def _menu_urls() -> dict[str, str]:
    key = (get_script_prefix(), str(get_urlconf() or settings.ROOT_URLCONF), str(len(MENU)))
    urls = _URLS.get(key)
    if urls is None:
        urls = _URLS[key] = {item.url_name: reverse(item.url_name) for item in MENU}
    return urls


def _bar(menu: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The top bar: entries of a group with two or more visible entries become a dropdown."""
    sizes: dict[Any, int] = {}
    for entry in menu:
        sizes[entry["group"]] = sizes.get(entry["group"], 0) + 1
    bar: list[dict[str, Any]] = []
    dropdowns: dict[Any, dict[str, Any]] = {}
    for entry in menu:
        group = entry["group"]
        if group is None or sizes[group] < 2:
            bar.append(entry)
            continue
        if group not in dropdowns:
            dropdowns[group] = {"short": group, "children": [], "active": False}
            bar.append(dropdowns[group])
        dropdowns[group]["children"].append(entry)
        dropdowns[group]["active"] |= entry["active"]
    return bar
