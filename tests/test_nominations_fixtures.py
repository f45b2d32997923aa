"""Builders and fixtures shared by the nomination tests (no tests here).

A Bù Đăng class that is taking nominations, two nominating units of the
district (the Front and the Women's Union), each with a focal point.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from accounts.models import User
from core.roles import Role
from courses.models import Course, CourseStatus
from nominations import services
from orgs.models import Organization, OrganizationKind
from people.models import Person
from people.services import PersonData, person_create
from tests.course_helpers import make_course
from tests.factories import OrganizationFactory, UserFactory


def nominating_course(
    owner: Organization,
    *,
    capacity: int = 5,
    deadline: datetime.datetime | None = None,
    title: str = "Lớp bồi dưỡng nghiệp vụ công tác dân vận năm 2022",
) -> Course:
    course = make_course(owner, title=title, capacity=capacity)
    Course.objects.filter(pk=course.pk).update(
        status=CourseStatus.NOMINATING, nomination_deadline=deadline
    )
    course.refresh_from_db()
    return course


def make_unit(owner_org: Organization, name: str, kind: str) -> Organization:
    return OrganizationFactory(
        name=name, kind=kind, territory=owner_org.territory, parent=owner_org
    )


def make_focal(unit: Organization, username: str) -> User:
    user: User = UserFactory(username=username, organization=unit, roles=[Role.FOCAL_POINT])
    return user


def make_person(unit: Organization, full_name: str, **values: Any) -> Person:
    return person_create(
        actor=None, owner=unit, data=PersonData.from_full_name(full_name, **values)
    )


def people_of(unit: Organization, n: int, prefix: str = "Nguyễn Văn") -> list[Person]:
    return [make_person(unit, f"{prefix} Học Viên{i}") for i in range(1, n + 1)]


@pytest.fixture
def front(owner_org: Organization) -> Organization:
    return make_unit(
        owner_org, "Ủy ban MTTQ Việt Nam huyện Bù Đăng", OrganizationKind.FATHERLAND_FRONT
    )


@pytest.fixture
def women(owner_org: Organization) -> Organization:
    return make_unit(
        owner_org, "Hội Liên hiệp Phụ nữ huyện Bù Đăng", OrganizationKind.MASS_ORGANIZATION
    )


@pytest.fixture
def focal(front: Organization) -> User:
    return make_focal(front, "daumoi.budang")


@pytest.fixture
def women_focal(women: Organization) -> User:
    return make_focal(women, "daumoi.phunu")


@pytest.fixture
def trainee(front: Organization) -> User:
    user: User = UserFactory(username="hocvien", organization=front, roles=[Role.TRAINEE])
    return user


@pytest.fixture
def course(owner_org: Organization, front: Organization, women: Organization) -> Course:
    """Capacity 5: the Front holds 3 places, the Women's Union 2."""
    course = nominating_course(owner_org)
    services.quota_set(actor=None, course=course, unit=front, places=3)
    services.quota_set(actor=None, course=course, unit=women, places=2)
    return course
