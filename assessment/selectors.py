"""Reads of assignments and results, always through the scope gate."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet

from assessment.models import Assignment, CompletionRule, Result
from core.scope import VIEW, restrict
from courses.models import Course, SessionKind
from nominations.models import Enrollment, EnrollmentStatus

# Sessions that do not count towards attendance.
UNCOUNTED_KINDS = (SessionKind.OPENING, SessionKind.CLOSING)


def rule_of(course: Course) -> CompletionRule:
    """The class's rule, or the default one (unsaved) when none was set."""
    rule = CompletionRule.objects.filter(course=course).first()
    return rule if rule is not None else CompletionRule(course=course)


def _attendance_counts(course: Course) -> dict[int, tuple[int, int]]:
    """enrollment id -> (sessions attended, sessions counted); present/late attend,
    opening and closing do not count."""
    from attendance.models import ATTENDED, Attendance

    counted = course.sessions.exclude(kind__in=UNCOUNTED_KINDS).count()
    rows = (
        Attendance.objects.filter(session__course=course, mark__in=ATTENDED)
        .exclude(session__kind__in=UNCOUNTED_KINDS)
        .values("enrollment_id")
        .annotate(n=Count("pk"))
    )
    attended = {row["enrollment_id"]: row["n"] for row in rows}
    enrollments = Enrollment.objects.filter(course=course).values_list("pk", flat=True)
    return {pk: (min(attended.get(pk, 0), counted), counted) for pk in enrollments}


def attendance_counts(course: Course) -> dict[int, tuple[int, int]]:
    """The attendance app's summary when it has one, else ours (same meaning)."""
    try:
        from attendance.selectors import attendance_summary  # type: ignore[import-not-found,attr-defined,unused-ignore]
    except ImportError:
        return _attendance_counts(course)
    summary: dict[int, tuple[int, int]] = attendance_summary(course)
    return summary


def course_enrollments(course: Course) -> QuerySet[Enrollment]:
    """Enrolled trainees of a class the caller already got through the gate."""
    return (
        Enrollment.objects.filter(course=course, status=EnrollmentStatus.ENROLLED)
        .select_related("person", "unit", "assignment", "result", "result__override_by")
        .order_by("person__sort_key", "pk")
    )


def course_assignments(course: Course, *, user: Any) -> QuerySet[Assignment]:
    return restrict(Assignment.objects.filter(enrollment__course=course), user, VIEW)


@dataclass
class ResultRow:
    number: int
    enrollment: Enrollment
    assignment: Assignment | None
    result: Result | None
    attended: int
    counted: int
    share: Decimal | None
    grade: str


def result_rows(course: Course, rule: CompletionRule) -> list[ResultRow]:
    """One row per enrolled trainee for the results page and its export (3 queries)."""
    from assessment.services import grade_label

    counts = attendance_counts(course)
    rows = []
    for number, enrollment in enumerate(course_enrollments(course), start=1):
        assignment = getattr(enrollment, "assignment", None)
        result = getattr(enrollment, "result", None)
        attended, counted = counts.get(enrollment.pk, (0, 0))
        share = (Decimal(attended) / counted).quantize(Decimal("0.01")) if counted else None
        score = assignment.score if assignment is not None else None
        rows.append(
            ResultRow(
                number,
                enrollment,
                assignment,
                result,
                attended,
                counted,
                share,
                grade_label(score, rule),
            )
        )
    return rows


def submitted_count(course: Course) -> int:
    return Assignment.objects.filter(
        Q(enrollment__course=course) & Q(submitted_at__isnull=False)
    ).count()
