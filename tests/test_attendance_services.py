# ruff: noqa: F811 - the fixtures imported from test_attendance_fixtures are parameters here
"""Attendance services and selectors: marks, the paper sheet, the summary, QR check-in."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from attendance import selectors, services
from attendance.models import Attendance, Badge, Mark, MarkSource
from courses.models import Course, Session
from courses.services import session_create
from nominations import services as nomination_services
from nominations.models import Enrollment
from tests.test_attendance_fixtures import (  # noqa: F401 - fixtures
    DAY1,
    at,
    course,
    editor,
    outside_secretary,
    secretary,
    sessions,
    trainees,
)

pytestmark = pytest.mark.django_db


def _text(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(exc.value.messages)


def test_mark_creates_then_changes_one_row(
    secretary: Any, sessions: list[Session], trainees: list[Enrollment]
) -> None:
    s, e = sessions[0], trainees[0]
    services.attendance_mark(actor=secretary, session=s, enrollment=e, mark=Mark.PRESENT)
    services.attendance_mark(
        actor=secretary, session=s, enrollment=e, mark=Mark.EXCUSED, reason=" Ốm "
    )
    row = Attendance.objects.get(session=s, enrollment=e)
    assert (row.mark, row.reason, row.source, row.marked_by) == (
        Mark.EXCUSED,
        "Ốm",
        MarkSource.TABLE,
        secretary,
    )
    assert Attendance.objects.count() == 1


def test_bad_marks_write_nothing(
    secretary: Any,
    course: Course,
    owner_org: Any,
    sessions: list[Session],
    trainees: list[Enrollment],
) -> None:
    s, e = sessions[0], trainees[0]
    with pytest.raises(ValidationError) as exc:
        services.attendance_mark(actor=secretary, session=s, enrollment=e, mark=Mark.EXCUSED)
    assert "phải ghi lý do" in _text(exc)
    with pytest.raises(ValidationError) as exc:
        services.attendance_mark(actor=secretary, session=s, enrollment=e, mark="sick")
    assert "Hãy chọn" in _text(exc)
    with pytest.raises(ValidationError):
        services.attendance_mark(
            actor=secretary, session=s, enrollment=e, mark=Mark.LATE, reason="x" * 301
        )
    other = Course.objects.create(
        kind=course.kind, level=course.level, title="Lớp khác", owner=owner_org,
        start_date=course.start_date, end_date=course.end_date, feed_token="t" * 43,
    )  # fmt: skip
    other_session = session_create(
        actor=None, course=other, date=DAY1, half_day="morning", kind="lecture", title="X"
    )
    with pytest.raises(ValidationError) as exc:
        services.attendance_mark(
            actor=secretary, session=other_session, enrollment=e, mark=Mark.PRESENT
        )
    assert "không thuộc lớp" in _text(exc)
    nomination_services.enrollment_withdraw(actor=None, enrollment=trainees[1], reason="Bận")
    trainees[1].refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.attendance_mark(
            actor=secretary, session=s, enrollment=trainees[1], mark=Mark.PRESENT
        )
    assert "đã rút" in _text(exc)
    assert not Attendance.objects.exists()


def test_database_refuses_duplicates_and_excused_without_reason(
    sessions: list[Session], trainees: list[Enrollment]
) -> None:
    s, e = sessions[0], trainees[0]
    Attendance.objects.create(session=s, enrollment=e, mark=Mark.PRESENT)
    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.create(session=s, enrollment=e, mark=Mark.LATE)
    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.create(session=sessions[1], enrollment=e, mark=Mark.EXCUSED)


def test_who_may_mark(
    secretary: Any,
    member: Any,
    outsider: Any,
    outside_secretary: Any,
    editor: Any,
    sessions: list[Session],
    trainees: list[Enrollment],
) -> None:
    s, e = sessions[0], trainees[0]
    for user in (outsider, outside_secretary, editor):
        with pytest.raises(PermissionDenied):
            services.attendance_mark(actor=user, session=s, enrollment=e, mark=Mark.PRESENT)
        with pytest.raises(PermissionDenied):
            services.mark_all_present(actor=user, session=s)
    assert not Attendance.objects.exists()
    services.attendance_mark(actor=member, session=s, enrollment=e, mark=Mark.LATE)
    assert Attendance.objects.get().mark == Mark.LATE


def test_mark_all_present_keeps_exceptions(
    secretary: Any, sessions: list[Session], trainees: list[Enrollment]
) -> None:
    s = sessions[0]
    services.attendance_mark(
        actor=secretary, session=s, enrollment=trainees[2], mark=Mark.EXCUSED, reason="Họp"
    )
    nomination_services.enrollment_withdraw(actor=None, enrollment=trainees[4], reason="Bận")
    assert services.mark_all_present(actor=secretary, session=s) == 3
    assert services.mark_all_present(actor=secretary, session=s) == 0
    marks = dict(Attendance.objects.filter(session=s).values_list("enrollment_id", "mark"))
    assert marks[trainees[2].pk] == Mark.EXCUSED
    assert trainees[4].pk not in marks
    assert sorted(marks.values()).count(Mark.PRESENT) == 3


def test_paper_sheet_all_or_nothing(
    secretary: Any, sessions: list[Session], trainees: list[Enrollment]
) -> None:
    s = sessions[1]
    marks = {e.pk: (Mark.PRESENT, "") for e in trainees}
    marks[trainees[0].pk] = (Mark.EXCUSED, "")
    with pytest.raises(ValidationError) as exc:
        services.paper_sheet_enter(actor=secretary, session=s, marks=marks)
    assert trainees[0].person.full_name in _text(exc)
    assert not Attendance.objects.exists()
    marks[trainees[0].pk] = (Mark.EXCUSED, "Đi công tác")
    assert services.paper_sheet_enter(actor=secretary, session=s, marks=marks) == 5
    assert set(Attendance.objects.values_list("source", flat=True)) == {MarkSource.PAPER}


def test_summary_counts_held_sessions_without_ceremonies(
    secretary: Any, course: Course, sessions: list[Session], trainees: list[Enrollment]
) -> None:
    session_create(actor=None, course=course, date=DAY1, half_day="evening", kind="closing")
    first, second, _third = sessions
    services.mark_all_present(actor=secretary, session=first)
    services.attendance_mark(actor=secretary, session=second, enrollment=trainees[0], mark="late")
    services.attendance_mark(
        actor=secretary, session=second, enrollment=trainees[1], mark="excused", reason="Ốm"
    )
    # During the first day's evening: two sessions held (the closing does not count).
    summary = selectors.attendance_summary(course, now=at(DAY1, 19, 30))
    assert summary[trainees[0].pk] == (2, 2)
    assert summary[trainees[1].pk] == (1, 2)
    assert summary[trainees[2].pk] == (1, 2)
    after = selectors.attendance_summary(course, now=at(DAY1 + datetime.timedelta(days=5), 8))
    assert after[trainees[0].pk] == (2, 3)
    grid = selectors.course_grid(course, now=at(DAY1, 19, 30))
    rows = {r.enrollment.pk: r for r in grid["rows"]}
    assert rows[trainees[1].pk].excused == 1
    assert rows[trainees[1].pk].under_threshold
    assert not rows[trainees[0].pk].under_threshold
    assert [r.enrollment.person.given_name for r in grid["rows"]] == [
        "An", "Bình", "Cường", "Dung", "Em"
    ]  # fmt: skip


def _badge(secretary: Any, course: Course, enrollment: Enrollment) -> Badge:
    badges = dict(services.badges_for(actor=secretary, course=course))
    return badges[enrollment]


def test_check_in_present_late_twice_and_refusals(
    secretary: Any, course: Course, sessions: list[Session], trainees: list[Enrollment]
) -> None:
    e = trainees[0]
    badge = _badge(secretary, course, e)
    token = services.badge_token(badge)
    assert services.badge_from_token(token) == badge
    done = services.check_in(actor=secretary, badge=badge, now=at(DAY1, 7, 40))
    assert (done.session, done.attendance.mark, done.attendance.source) == (
        sessions[0],
        Mark.PRESENT,
        MarkSource.QR,
    )
    with pytest.raises(ValidationError) as exc:
        services.check_in(actor=secretary, badge=badge, now=at(DAY1, 7, 50))
    assert "đã được điểm danh buổi này lúc" in _text(exc)
    late = services.check_in(actor=secretary, badge=badge, now=at(DAY1, 14, 0))
    assert (late.session, late.attendance.mark) == (sessions[1], Mark.LATE)
    # Between the half-days of a two-session day: no session now.
    with pytest.raises(ValidationError) as exc:
        services.check_in(actor=secretary, badge=badge, now=at(DAY1, 12, 15))
    assert "không có buổi học" in _text(exc)
    # The second day has one session: it is the session all day long.
    single = services.check_in(
        actor=secretary, badge=badge, now=at(DAY1 + datetime.timedelta(days=1), 16)
    )
    assert single.session == sessions[2]
    with pytest.raises(ValidationError):
        services.check_in(actor=secretary, badge=badge, now=at(DAY1 - datetime.timedelta(1), 8))
    assert Attendance.objects.count() == 3


def test_tampered_revoked_reissued_and_withdrawn(
    secretary: Any, outsider: Any, course: Course, trainees: list[Enrollment]
) -> None:
    e = trainees[0]
    badge = _badge(secretary, course, e)
    token = services.badge_token(badge)
    for bad in ("A" * 43, token[:-2] + "xx", token.replace(":", "", 1), ""):
        with pytest.raises(services.BadToken):
            services.badge_from_token(bad)
    with pytest.raises(PermissionDenied):
        services.check_in(actor=outsider, badge=badge, now=at(DAY1, 8))
    services.badge_revoke(actor=secretary, enrollment=e)
    badge.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.check_in(actor=secretary, badge=badge, now=at(DAY1, 8))
    assert "thu hồi" in _text(exc)
    new = services.badge_reissue(actor=secretary, enrollment=e)
    with pytest.raises(services.BadToken):
        services.badge_from_token(token)
    assert services.badge_from_token(services.badge_token(new)).revoked_at is None
    nomination_services.enrollment_withdraw(actor=None, enrollment=e, reason="Bận")
    with pytest.raises(ValidationError) as exc:
        services.check_in(
            actor=secretary, badge=services.badge_from_token(services.badge_token(new)),
            now=at(DAY1, 8),
        )  # fmt: skip
    assert "đã rút" in _text(exc)
    assert not Attendance.objects.exists()
