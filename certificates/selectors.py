"""Reading certificates: the register of a class, and the public lookup by code."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from certificates.models import Certificate, CertificateBatch
from core.scope import restrict
from courses.models import Course


def course_register(course: Course, *, user: Any) -> QuerySet[Certificate]:
    """Sổ cấp giấy chứng nhận of a class: every certificate, revoked ones included."""
    return (
        restrict(Certificate.objects.all(), user)
        .filter(enrollment__course=course)
        .select_related("enrollment__person", "series", "replaces", "replaced_by")
        .order_by("series__year", "number")
    )


def course_batches(course: Course, *, user: Any) -> QuerySet[CertificateBatch]:
    return restrict(CertificateBatch.objects.all(), user).filter(course=course)[:5]


def by_code(code: str) -> Certificate | None:
    """Public: the certificate a verification code names (no scope: the code is the key)."""
    return (
        Certificate.objects.select_related("enrollment__person", "enrollment__course__owner")
        .filter(code=code.strip().upper())
        .first()
    )
