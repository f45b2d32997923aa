"""Builders and fixtures shared by the assessment tests (no tests here).

A Bù Đăng class of three days: opening, three teaching sessions, the
assignment session and closing (four sessions count for attendance); one
lecturer with an account teaches the first lecture; three trainees.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from accounts.models import User
from attendance.models import Attendance
from core.roles import Role
from courses.models import Course, Session
from courses.services import session_create
from nominations import services as nomination_services
from nominations.models import Enrollment
from orgs.models import Organization, OrganizationKind
from people.models import Lecturer
from tests.course_helpers import make_lecturer
from tests.factories import UserFactory
from tests.news_helpers import tiny_png
from tests.test_nominations_fixtures import make_person, make_unit, nominating_course

PROGRAMME = [
    (0, "morning", "opening"),
    (0, "afternoon", "lecture"),
    (1, "morning", "lecture"),
    (1, "afternoon", "discussion"),
    (2, "morning", "assignment"),
    (2, "afternoon", "closing"),
]
CITIZEN_IDS = ["079190001231", "079190001232", "079190001233"]


def lecturer_user(owner: Organization, username: str, name: str) -> tuple[User, Lecturer]:
    user: User = UserFactory(username=username, organization=owner, roles=[Role.LECTURER])
    lecturer = make_lecturer(owner, name=name)
    lecturer.user = user
    lecturer.save(update_fields=["user"])
    return user, lecturer


def assessed_course(owner: Organization, lecturer: Lecturer | None, title: str) -> Course:
    course = nominating_course(owner, title=title)
    for day, half_day, kind in PROGRAMME:
        session_create(
            actor=None,
            course=course,
            date=course.start_date + datetime.timedelta(days=day),
            half_day=half_day,
            kind=kind,
            title=f"Buổi {kind} ngày {day + 1}",
            lecturers=[lecturer] if lecturer is not None and day == 0 and kind == "lecture" else [],
        )
    return course


def mark_all(enrollment: Enrollment, absent: int = 0) -> None:
    """Present at every session but the last `absent` counted ones."""
    sessions = list(Session.objects.filter(course=enrollment.course).order_by("starts_at"))
    counted = [s for s in sessions if s.kind not in ("opening", "closing")]
    missing = {s.pk for s in counted[len(counted) - absent :]} if absent else set()
    for session in sessions:
        mark = "absent" if session.pk in missing else "present"
        Attendance.objects.create(session=session, enrollment=enrollment, mark=mark)


@pytest.fixture
def front(owner_org: Organization) -> Organization:
    return make_unit(
        owner_org, "Ủy ban MTTQ Việt Nam huyện Bù Đăng", OrganizationKind.FATHERLAND_FRONT
    )


@pytest.fixture
def teacher(owner_org: Organization) -> tuple[User, Lecturer]:
    return lecturer_user(owner_org, "bcv.hung", "Nguyễn Văn Hùng")


@pytest.fixture
def other_teacher(owner_org: Organization) -> tuple[User, Lecturer]:
    return lecturer_user(owner_org, "bcv.lan", "Trần Thị Lan")


@pytest.fixture
def secretary(owner_org: Organization) -> User:
    user: User = UserFactory(username="giaovu", organization=owner_org, roles=[Role.SECRETARY])
    return user


@pytest.fixture
def course(owner_org: Organization, teacher: tuple[User, Lecturer]) -> Course:
    return assessed_course(owner_org, teacher[1], "Lớp bồi dưỡng công tác dân vận 2022")


@pytest.fixture
def other_course(owner_org: Organization, other_teacher: tuple[User, Lecturer]) -> Course:
    return assessed_course(owner_org, other_teacher[1], "Lớp tập huấn dân vận khéo 2022")


@pytest.fixture
def enrollments(course: Course, front: Organization) -> list[Enrollment]:
    names = ["Nguyễn Văn An", "Lê Thị Bình", "Phạm Văn Cường"]
    result = []
    for name, citizen_id in zip(names, CITIZEN_IDS, strict=True):
        person = make_person(front, name, citizen_id=citizen_id)
        result.append(
            nomination_services.enroll_directly(
                actor=None, course=course, person=person, unit=front
            )
        )
    return result


def upload(name: str, content: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def _blank_pdf() -> bytes:
    """A real one-page PDF: the upload check opens every PDF (tests/test_assessment_pdf.py)."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


PDF = _blank_pdf()
PNG = tiny_png()
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64
