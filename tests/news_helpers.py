"""Builders for the news tests: a held class with a guest, a lecturer and a trainee."""

from __future__ import annotations

import struct
import zlib
from typing import Any

from courses import services as course_services
from news import services
from news.models import Article
from nominations.models import Enrollment
from people.models import Person
from people.services import PersonData, person_create
from tests.course_helpers import make_course, make_lecturer, make_topic

TRAINEE_NAME = "Nguyễn Thị Riêng Tư"
TRAINEE_CCCD = "070185012345"
TRAINEE_PHONE = "0912345678"


def tiny_png() -> bytes:
    """A valid 1×1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def held_class(owner_org: Any, title: str = "Lớp bồi dưỡng nghiệp vụ công tác dân vận") -> Any:
    """A 3-day class with a guest, one lecture and one enrolled trainee (private data)."""
    course = make_course(owner_org, title=title, capacity=10)
    topic = make_topic(owner_org)
    lecturer = make_lecturer(owner_org)
    course_services.session_create(
        actor=None,
        course=course,
        date=course.start_date,
        half_day="morning",
        kind="lecture",
        topic=topic,
        lecturers=[lecturer],
    )
    course_services.guest_add(
        actor=None,
        course=course,
        full_name="Trần Văn Khách",
        title="Phó Bí thư Huyện ủy",
        gives_opening_speech=True,
    )
    if Person.objects.filter(citizen_id=TRAINEE_CCCD).exists():
        data = PersonData.from_full_name("Trần Văn Học", phone=TRAINEE_PHONE)
    else:
        data = PersonData.from_full_name(TRAINEE_NAME, citizen_id=TRAINEE_CCCD, phone=TRAINEE_PHONE)
    person = person_create(actor=None, owner=owner_org, data=data)
    Enrollment.objects.create(course=course, person=person, unit=owner_org)
    return course


def published_article(owner_org: Any, title: str = "Lớp bồi dưỡng nghiệp vụ") -> Article:
    course = held_class(owner_org, title=title)
    article = services.article_draft_from_course(actor=None, course=course)
    services.article_transition(actor=None, article=article, to_status="review")
    return services.article_transition(actor=None, article=article, to_status="published")
