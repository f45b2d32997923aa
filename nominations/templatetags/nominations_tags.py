"""The "Chỉ tiêu và học viên" card of the class page (two queries, whatever the class size)."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Count, Q, Sum

from core.roles import COMMITTEE, Role
from core.scope import has_role, roles_of
from courses.models import Course
from nominations.models import NominationStatus, Quota

register = template.Library()


@register.simple_tag(takes_context=True)
def nomination_summary(context: dict[str, Any], course: Course) -> dict[str, Any] | None:
    """Places, quotas and the waiting list of `course`, for a user who may act on them."""
    user = context["request"].user
    committee = has_role(user, COMMITTEE)
    focal_point = Role.FOCAL_POINT in roles_of(user)
    if not committee and not focal_point:
        return None
    quotas = Quota.objects.filter(course=course).aggregate(
        count=Count("pk"),
        places=Sum("places"),
        own=Count("pk", filter=Q(unit_id=getattr(user, "organization_id", None))),
    )
    if not committee and not quotas["own"]:
        return None
    waiting = course.nominations.aggregate(
        waitlisted=Count("pk", filter=Q(status=NominationStatus.WAITLISTED)),
        submitted=Count("pk", filter=Q(status=NominationStatus.SUBMITTED)),
    )
    return {
        "committee": committee,
        "quota_count": quotas["count"],
        "quota_places": quotas["places"] or 0,
        "waitlisted": waiting["waitlisted"],
        "submitted": waiting["submitted"],
    }
