"""Builders and fixtures shared by the attendance tests (no tests here).

A running Bù Đăng class of three days from 25/05/2022 with three sessions that
take attendance and five trainees, a class secretary of the district and one
of the neighbouring district.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from accounts.models import User
from core.roles import Role
from courses.models import Course, CourseStatus, Session
from courses.services import session_create
from nominations import services as nomination_services
from nominations.models import Enrollment
from orgs.models import Organization
from tests.course_helpers import make_course
from tests.factories import UserFactory
from tests.test_nominations_fixtures import make_person

DAY1 = datetime.date(2022, 5, 25)
NAMES = ("Trần Thị Bình", "Nguyễn Văn An", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em")


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def running_course(owner: Organization, names: tuple[str, ...] = NAMES) -> Course:
    course = make_course(owner, title="Lớp bồi dưỡng công tác dân vận năm 2022", capacity=10)
    Course.objects.filter(pk=course.pk).update(status=CourseStatus.NOMINATING)
    course.refresh_from_db()
    for name in names:
        nomination_services.enroll_directly(
            actor=None, course=course, person=make_person(owner, name, position="Cán bộ")
        )
    Course.objects.filter(pk=course.pk).update(status=CourseStatus.RUNNING)
    course.refresh_from_db()
    for day, half, kind in (
        (DAY1, "morning", "lecture"),
        (DAY1, "afternoon", "discussion"),
        (DAY1 + datetime.timedelta(days=1), "morning", "assignment"),
    ):
        session_create(
            actor=None, course=course, date=day, half_day=half, kind=kind, title=f"Buổi {kind}"
        )
    return course


@pytest.fixture
def course(owner_org: Organization) -> Course:
    return running_course(owner_org)


@pytest.fixture
def sessions(course: Course) -> list[Session]:
    return list(Session.objects.filter(course=course).order_by("starts_at"))


@pytest.fixture
def trainees(course: Course) -> list[Enrollment]:
    return list(
        Enrollment.objects.filter(course=course)
        .select_related("person")
        .order_by("person__sort_key")
    )


@pytest.fixture
def secretary(owner_org: Organization) -> User:
    user: User = UserFactory(username="giaovu", organization=owner_org, roles=[Role.SECRETARY])
    return user


@pytest.fixture
def outside_secretary(outsider_org: Organization) -> User:
    user: User = UserFactory(
        username="giaovu.locninh", organization=outsider_org, roles=[Role.SECRETARY]
    )
    return user


@pytest.fixture
def editor(owner_org: Organization) -> User:
    user: User = UserFactory(username="bientap", organization=owner_org, roles=[Role.EDITOR])
    return user
