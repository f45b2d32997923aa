"""Two secretaries marking the same trainee at the same instant (PostgreSQL).

Threads, each with its own connection, wait at a barrier and then mark the
same trainee at the same session (and run "mark all present" alongside):
one row, no error, the last write wins. Scanning one badge on two phones at
once checks the trainee in exactly once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from attendance import services
from attendance.models import Attendance, Mark
from courses.models import Session
from nominations.models import Enrollment
from tests.concurrency import race
from tests.test_attendance_fixtures import DAY1, at, running_course

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises every write: concurrency is only meaningful on PostgreSQL",
    ),
]

THREADS = 16


def test_same_trainee_marked_at_once_gives_one_row(owner_org: Any, member: Any) -> None:
    course = running_course(owner_org)
    session = Session.objects.filter(course=course).order_by("starts_at").first()
    assert session is not None
    enrollment = Enrollment.objects.filter(course=course).first()
    assert enrollment is not None
    marks = [Mark.PRESENT, Mark.LATE, Mark.ABSENT, Mark.EXCUSED]

    def job(i: int) -> Callable[[], Any]:
        if i % 4 == 3:
            return lambda: services.mark_all_present(actor=member, session=session)
        mark = marks[i % 4]
        return lambda: services.attendance_mark(
            actor=member, session=session, enrollment=enrollment, mark=mark, reason="Ốm"
        )

    _results, errors = race([job(i) for i in range(THREADS)])
    assert errors == []
    assert Attendance.objects.filter(session=session, enrollment=enrollment).count() == 1
    assert Attendance.objects.filter(session=session).count() == 5


def test_one_badge_scanned_twice_at_once(owner_org: Any, member: Any, monkeypatch: Any) -> None:
    course = running_course(owner_org)
    enrollment = Enrollment.objects.filter(course=course).first()
    assert enrollment is not None
    badge = dict(services.badges_for(actor=None, course=course))[enrollment]
    results, errors = race(
        [
            lambda: services.check_in(actor=member, badge=badge, now=at(DAY1, 7, 40))
            for _ in range(6)
        ]
    )
    assert len(results) == 1
    assert len(errors) == 5 and all(isinstance(e, ValidationError) for e in errors)
    assert Attendance.objects.filter(enrollment=enrollment).count() == 1
