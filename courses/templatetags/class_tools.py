"""The "Tổ chức lớp" card of the class page: links to running the class, by role."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from core.roles import COMMITTEE, MANAGERS, Role
from core.scope import has_role, in_territory, roles_of
from courses.models import Course

register = template.Library()


@register.simple_tag(takes_context=True)
def class_tools(context: dict[str, Any], course: Course) -> list[tuple[str, str]]:
    """(label, url) of the pages the user may open for `course`."""
    user = context["request"].user
    roles = roles_of(user)
    committee = has_role(user, COMMITTEE)
    lecturer = committee or Role.LECTURER in roles
    # Running the class is for its own territory's staff (one query): a lecturer from
    # elsewhere who also holds those roles at home sees only the grading link here.
    organisers = COMMITTEE | {Role.SECRETARY, Role.EDITOR}
    organiser = has_role(user, organisers) and in_territory(user, course, organisers)
    secretary = organiser and (committee or Role.SECRETARY in roles)
    links: list[tuple[str, str]] = []
    if secretary:
        links.append((_("Điểm danh"), reverse("attendance:grid", args=[course.pk])))
        links.append((_("Thu bài thu hoạch"), reverse("assessment:upload", args=[course.pk])))
        links.append((_("Phiếu đánh giá"), reverse("feedback:links", args=[course.pk])))
    if lecturer:
        links.append((_("Chấm bài thu hoạch"), reverse("assessment:grading", args=[course.pk])))
    if organiser and (committee or has_role(user, MANAGERS)):
        links.append((_("Kết quả học tập"), reverse("assessment:results", args=[course.pk])))
        links.append((_("Giấy chứng nhận"), reverse("certificates:register", args=[course.pk])))
    if organiser and (committee or Role.EDITOR in roles):
        links.append((_("Viết tin"), reverse("news:draft", args=[course.pk])))
    return links
