"""The survey results on the lecturer page: scores per class, scoped to the viewer."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from feedback import services
from feedback.models import Source
from feedback.selectors import survey_items
from nominations.models import Enrollment
from tests.conftest import client_for
from tests.test_assessment_fixtures import (  # noqa: F401 - fixtures
    course,
    enrollments,
    front,
    teacher,
)
from tests.test_feedback_fixtures import answers

pytestmark = pytest.mark.django_db


def test_lecturer_page_summarises_survey(
    enrollments: list[Enrollment],  # noqa: F811
    teacher: Any,  # noqa: F811
    owner: Any,
    outsider: Any,
) -> None:
    user, lecturer = teacher
    for enrollment, score in zip(enrollments[:2], (5, 4), strict=True):
        services.response_submit(
            actor=None,
            enrollment=enrollment,
            source=Source.LINK,
            data=answers(enrollment, score=score),
            items=survey_items(enrollment.course),
        )
    url = reverse("courses:lecturer_detail", args=[lecturer.pk])
    for viewer in (owner, user):
        page = client_for(viewer).get(url).content.decode()
        assert 'data-testid="lecturer-feedback"' in page
        assert "4,50" in page or "4.50" in page, viewer
        assert enrollments[0].course.title in page
    # The neighbouring district reads the shared registry, not Bù Đăng's scores.
    other = client_for(outsider).get(url).content.decode()
    assert "Chưa có phiếu đánh giá nào." in other and enrollments[0].course.title not in other
