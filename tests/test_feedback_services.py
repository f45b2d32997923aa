# ruff: noqa: F811 - the fixtures imported from test_assessment_fixtures are parameters here
from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from courses.services import session_create
from feedback import selectors, services
from feedback.models import SurveyRating, SurveyResponse
from nominations import services as nomination_services
from nominations.models import Enrollment
from tests.test_assessment_fixtures import (  # noqa: F401 - fixtures
    assessed_course,
    course,
    enrollments,
    front,
    other_teacher,
    secretary,
    teacher,
)
from tests.test_feedback_fixtures import answers
from tests.test_nominations_fixtures import make_person

pytestmark = pytest.mark.django_db


def submit(enrollment: Enrollment, actor: Any = None, **data: Any) -> SurveyResponse:
    return services.response_submit(
        actor=actor, enrollment=enrollment, source="paper", data=answers(enrollment, **data)
    )


def test_items_one_row_per_lecture_and_lecturer(
    enrollments: list[Enrollment], teacher: Any
) -> None:
    items = selectors.survey_items(enrollments[0].course)
    assert [(i.session.kind, i.lecturer) for i in items] == [
        ("lecture", teacher[1]),
        ("lecture", None),
    ]
    assert items[0].name.startswith(f"r-{items[0].session.pk}-{teacher[1].pk}")


def test_submit_writes_response_and_ratings(enrollments: list[Enrollment], secretary: Any) -> None:
    response = submit(enrollments[0], actor=secretary, score=5, comment=" Rất bổ ích ")
    assert response.organisation_score == 5
    assert response.comment == "Rất bổ ích"
    assert response.source == "paper"
    assert response.entered_by == secretary
    assert sorted(r.score for r in response.ratings.all()) == [5, 5]


@pytest.mark.parametrize("bad", ["0", "6", "năm", "", "4.5", "-1"])
def test_bad_score_names_field_and_writes_nothing(enrollments: list[Enrollment], bad: str) -> None:
    enrollment = enrollments[0]
    item = selectors.survey_items(enrollment.course)[0]
    data = answers(enrollment)
    data[item.name] = bad
    with pytest.raises(ValidationError) as exc:
        services.response_submit(actor=None, enrollment=enrollment, source="link", data=data)
    assert item.label in " ".join(exc.value.messages)
    assert not SurveyResponse.objects.exists()
    assert not SurveyRating.objects.exists()


def test_bad_organisation_and_missing_rows(enrollments: list[Enrollment]) -> None:
    enrollment = enrollments[0]
    with pytest.raises(ValidationError) as exc:
        services.response_submit(
            actor=None, enrollment=enrollment, source="link", data={"organisation": "6"}
        )
    text = " ".join(exc.value.messages)
    assert "Công tác tổ chức lớp" in text
    assert "Chưa chấm điểm" in text
    assert not SurveyResponse.objects.exists()


def test_answer_twice_refused(enrollments: list[Enrollment]) -> None:
    first = submit(enrollments[0], score=3)
    with pytest.raises(ValidationError, match="đã gửi phiếu"):
        submit(enrollments[0], score=5)
    assert SurveyResponse.objects.get() == first
    assert set(SurveyRating.objects.values_list("score", flat=True)) == {3}


def test_outsider_and_lecturer_cannot_enter(
    enrollments: list[Enrollment], outsider: Any, teacher: Any
) -> None:
    for actor in (outsider, teacher[0]):
        with pytest.raises(PermissionDenied):
            submit(enrollments[0], actor=actor)
    assert not SurveyResponse.objects.exists()


def test_token_round_trip_and_tampering(enrollments: list[Enrollment]) -> None:
    token = selectors.survey_token(enrollments[0])
    assert token == selectors.survey_token(enrollments[0])
    assert selectors.enrollment_for_token(token) == enrollments[0]
    assert selectors.enrollment_for_token(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert selectors.enrollment_for_token("abc") is None
    assert selectors.enrollment_for_token("") is None
    from django.core import signing

    forged = signing.Signer(salt="other").sign_object({"e": enrollments[0].pk})
    assert selectors.enrollment_for_token(forged) is None


def test_course_summary(
    enrollments: list[Enrollment], owner: Any, outsider: Any, teacher: Any
) -> None:
    submit(enrollments[0], score=5, organisation=4, comment="Tốt")
    submit(enrollments[1], score=3, organisation=5)
    course = enrollments[0].course
    summary = selectors.course_summary(course, user=owner)
    assert summary.responses == 2
    assert summary.enrolled == 3
    assert summary.organisation == 4.5
    assert [(a.average, a.count) for a in summary.topics] == [(4.0, 2), (4.0, 2)]
    assert [(a.label, a.average) for a in summary.lecturers] == [(str(teacher[1]), 4.0)]
    assert summary.comments == ["Tốt"]
    empty = selectors.course_summary(course, user=outsider)
    assert empty.responses == 0 and empty.organisation is None and not empty.lecturers


def test_lecturer_feedback_over_classes_scoped(
    enrollments: list[Enrollment], owner: Any, outsider: Any, teacher: Any, owner_org: Any
) -> None:
    submit(enrollments[0], score=5)
    second = assessed_course(owner_org, None, "Lớp dân vận khéo 2023")
    session_create(
        actor=None,
        course=second,
        date=second.start_date,
        half_day="evening",
        kind="lecture",
        title="Dân vận khéo",
        lecturers=[teacher[1]],
    )
    trainee = nomination_services.enroll_directly(
        actor=None, course=second, person=make_person(owner_org, "Võ Văn Tài")
    )
    submit(trainee, score=2)
    result = selectors.lecturer_feedback(teacher[1], owner)
    assert result.count == 2
    assert result.average == 3.5
    assert sorted(c.average for c in result.courses) == [2.0, 5.0]
    assert selectors.lecturer_feedback(teacher[1], teacher[0]).count == 2  # their own scores
    assert selectors.lecturer_feedback(teacher[1], outsider).count == 0
