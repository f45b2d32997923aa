"""Reads of attendance: the session table, the class grid and the summary.

Which sessions count: every session of the class except the opening and the
closing ceremonies (`COUNTED_KINDS`), and only those that have started by the
moment asked about, so the share is meaningful while the class runs. A session
held without a mark for a trainee counts as not attended. An excused absence
counts as absent for the share; the grid shows it separately.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from attendance.models import ATTENDED, Attendance, Mark
from courses.models import Course, Session, SessionKind
from nominations.models import Enrollment, EnrollmentStatus

# Session kinds that take attendance for the share (not the ceremonies).
COUNTED_KINDS = (
    SessionKind.LECTURE,
    SessionKind.DISCUSSION,
    SessionKind.ASSIGNMENT,
    SessionKind.OTHER,
)
# A trainee under this share of the sessions held so far is flagged.
ATTENDANCE_THRESHOLD = 0.8


def enrolled(course: Course) -> QuerySet[Enrollment]:
    """The class's current trainees, sorted by given name (Person.sort_key)."""
    return (
        Enrollment.objects.filter(course=course, status=EnrollmentStatus.ENROLLED)
        .select_related("person", "person__organization", "unit")
        .order_by("person__sort_key", "pk")
    )


def counted_sessions(course: Course, now: datetime.datetime | None = None) -> QuerySet[Session]:
    now = now or timezone.now()
    return Session.objects.filter(course=course, kind__in=COUNTED_KINDS, starts_at__lte=now)


def attendance_summary(
    course: Course, now: datetime.datetime | None = None
) -> dict[int, tuple[int, int]]:
    """enrollment id -> (sessions attended, sessions counted) for enrolled trainees."""
    sessions = set(counted_sessions(course, now).values_list("pk", flat=True))
    attended: dict[int, int] = dict.fromkeys(enrolled(course).values_list("pk", flat=True), 0)
    marks = Attendance.objects.filter(
        session_id__in=sessions, enrollment_id__in=list(attended), mark__in=ATTENDED
    ).values_list("enrollment_id", flat=True)
    for enrollment_id in marks:
        attended[enrollment_id] += 1
    return {pk: (n, len(sessions)) for pk, n in attended.items()}


@dataclass
class Row:
    """One trainee in a session table or the class grid."""

    enrollment: Enrollment
    attendance: Attendance | None = None
    cells: list[Attendance | None] = field(default_factory=list)
    attended: int = 0
    excused: int = 0
    counted: int = 0

    @property
    def share(self) -> float | None:
        return self.attended / self.counted if self.counted else None

    @property
    def percent(self) -> int | None:
        share = self.share
        return None if share is None else round(share * 100)

    @property
    def under_threshold(self) -> bool:
        share = self.share
        return share is not None and share < ATTENDANCE_THRESHOLD


def session_rows(session: Session) -> list[Row]:
    """Every enrolled trainee of the session's class with their mark (or None)."""
    marks = {
        a.enrollment_id: a
        for a in Attendance.objects.filter(session=session).select_related("marked_by")
    }
    return [Row(enrollment=e, attendance=marks.get(e.pk)) for e in enrolled(session.course)]


def session_row(session: Session, enrollment: Enrollment) -> Row:
    attendance = (
        Attendance.objects.filter(session=session, enrollment=enrollment)
        .select_related("marked_by")
        .first()
    )
    return Row(enrollment=enrollment, attendance=attendance)


def course_grid(course: Course, now: datetime.datetime | None = None) -> dict[str, Any]:
    """Trainees × sessions, with each trainee's attended share and flag."""
    now = now or timezone.now()
    sessions = list(Session.objects.filter(course=course).order_by("starts_at", "pk"))
    counted = {s.pk for s in sessions if s.kind in COUNTED_KINDS and s.starts_at <= now}
    rows = list(Row(enrollment=e, counted=len(counted)) for e in enrolled(course))
    by_enrollment = {row.enrollment.pk: row for row in rows}
    marks: dict[tuple[int, int], Attendance] = {}
    for a in Attendance.objects.filter(session__course=course, enrollment_id__in=by_enrollment):
        marks[(a.enrollment_id, a.session_id)] = a
        row = by_enrollment[a.enrollment_id]
        if a.session_id in counted:
            if a.mark in ATTENDED:
                row.attended += 1
            elif a.mark == Mark.EXCUSED:
                row.excused += 1
    for row in rows:
        row.cells = [marks.get((row.enrollment.pk, s.pk)) for s in sessions]
    return {
        "sessions": sessions,
        "counted": counted,
        "rows": rows,
        "threshold": round(ATTENDANCE_THRESHOLD * 100),
    }
