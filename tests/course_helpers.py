"""Builders for classes in tests (services, not raw rows, so derived fields are right)."""

from __future__ import annotations

import datetime
from typing import Any

from courses.models import Course, Topic
from courses.services import CourseData, course_create, lecturer_create, topic_create
from people.models import Lecturer

D = datetime.date
DEFAULT_START = D(2022, 5, 25)


def make_course(
    owner: Any,
    title: str = "Lớp bồi dưỡng nghiệp vụ công tác dân vận",
    start: datetime.date = DEFAULT_START,
    days: int = 3,
    **extra: Any,
) -> Course:
    data = CourseData(
        kind=extra.pop("kind", "training"),
        title=title,
        owner=owner,
        start_date=start,
        end_date=start + datetime.timedelta(days=days - 1),
        venue=extra.pop("venue", "Hội trường Huyện ủy"),
        **extra,
    )
    return course_create(actor=None, data=data)


def make_topic(owner: Any, title: str = "Công tác dân vận trong tình hình mới") -> Topic:
    return topic_create(actor=None, owner=owner, title=title)


def make_lecturer(owner: Any, name: str = "Nguyễn Văn Hùng", title: str = "TS") -> Lecturer:
    return lecturer_create(
        actor=None, owner=owner, full_name=name, academic_title=title, position="Chánh Văn phòng"
    )
