# ruff: noqa: F811 - the fixtures imported from test_assessment_fixtures are parameters here
from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from core.roles import Role
from feedback import selectors, services
from feedback.models import SurveyRating, SurveyResponse
from nominations import services as nomination_services
from nominations.models import Enrollment
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.test_assessment_fixtures import (  # noqa: F401 - fixtures
    course,
    enrollments,
    front,
    secretary,
    teacher,
)
from tests.test_feedback_fixtures import answers
from tests.test_nominations_fixtures import make_person

pytestmark = pytest.mark.django_db


def url(name: str, **kwargs: Any) -> str:
    return reverse(f"feedback:{name}", kwargs=kwargs)


def test_committee_pages_scope(
    enrollments: list[Enrollment],
    owner: Any,
    outsider: Any,
    teacher: Any,
    secretary: Any,
    owner_org: Any,
) -> None:
    course = enrollments[0].course
    trainee = UserFactory(username="hocvien", organization=owner_org, roles=[Role.TRAINEE])
    pages = [
        url("summary", course_pk=course.pk),
        url("links", course_pk=course.pk),
        url("enter", enrollment_pk=enrollments[0].pk),
    ]
    for page in pages:
        assert client_for(owner).get(page).status_code == 200
        assert client_for(secretary).get(page).status_code == 200
        assert client_for(outsider).get(page).status_code == 404
        assert client_for(teacher[0]).get(page).status_code == 403
        assert client_for(trainee).get(page).status_code == 403
        assert Client().get(page).status_code == 302  # sign in first
    assert client_for(owner).get(url("enter", enrollment_pk=999999)).status_code == 404


def test_paper_entry_and_bad_input(enrollments: list[Enrollment], secretary: Any) -> None:
    enrollment = enrollments[0]
    client = client_for(secretary)
    page = url("enter", enrollment_pk=enrollment.pk)
    item = selectors.survey_items(enrollment.course)[0]
    for bad in ("0", "6", "năm", "²", "٣", "9" * 5000):
        data = answers(enrollment)
        data[item.name] = bad
        response = client.post(page, data)
        assert response.status_code == 400
        assert item.label in response.content.decode()
        assert "9" * 100 not in response.content.decode()  # a long input is not echoed
    response = client.post(page, {"organisation": "3"})
    assert response.status_code == 400 and "Chưa chấm điểm" in response.content.decode()
    assert not SurveyResponse.objects.exists()
    too_long = client.post(page, answers(enrollment, score=2, comment="x" * 5001))
    assert too_long.status_code == 400 and "Ý kiến khác" in too_long.content.decode()
    response = client.post(page, answers(enrollment, score=2, comment="Giờ học\x00 hơi dài"))
    assert response.status_code == 302
    saved = SurveyResponse.objects.get()
    assert saved.source == "paper" and saved.entered_by == secretary
    assert saved.comment == "Giờ học hơi dài"  # the NUL PostgreSQL would refuse is gone
    assert SurveyRating.objects.count() == 2
    again = client.post(page, answers(enrollment, score=5))
    assert "đã gửi phiếu" in again.content.decode()
    assert set(SurveyRating.objects.values_list("score", flat=True)) == {2}


def test_public_link(enrollments: list[Enrollment]) -> None:
    enrollment = enrollments[1]
    client = Client()
    page = url("answer", token=selectors.survey_token(enrollment))
    response = client.get(page)
    assert response.status_code == 200
    assert str(enrollment.person) in response.content.decode()
    item = selectors.survey_items(enrollment.course)[1]
    data = answers(enrollment)
    data[item.name] = "năm"
    bad = client.post(page, data)
    assert bad.status_code == 400 and item.label in bad.content.decode()
    assert not SurveyResponse.objects.exists()
    done = client.post(page, answers(enrollment, score=4, comment="Cảm ơn"))
    assert done.status_code == 200 and "Cảm ơn đồng chí" in done.content.decode()
    saved = SurveyResponse.objects.get()
    assert saved.enrollment == enrollment and saved.source == "link" and saved.entered_by is None
    twice = client.post(page, answers(enrollment, score=1))
    assert twice.status_code == 400 and "đã gửi phiếu" in twice.content.decode()
    assert set(SurveyRating.objects.values_list("score", flat=True)) == {4}
    assert "đã gửi phiếu" in client.get(page).content.decode()


def test_public_link_bad_tokens(enrollments: list[Enrollment]) -> None:
    token = selectors.survey_token(enrollments[0])
    tampered = token[:-2] + ("xx" if not token.endswith("xx") else "yy")
    for bad in ("random", tampered, token.replace(":", ";")):
        assert Client().get(url("answer", token=bad)).status_code == 404
        assert Client().post(url("answer", token=bad), answers(enrollments[0])).status_code == 404
    assert not SurveyResponse.objects.exists()


def test_links_and_summary_pages(enrollments: list[Enrollment], owner: Any, teacher: Any) -> None:
    course = enrollments[0].course
    services.response_submit(
        actor=None,
        enrollment=enrollments[0],
        source="link",
        data=answers(enrollments[0], comment="Rất tốt"),
    )
    links = client_for(owner).get(url("links", course_pk=course.pk)).content.decode()
    for e in enrollments:
        assert url("answer", token=selectors.survey_token(e)) in links
    summary = client_for(owner).get(url("summary", course_pk=course.pk)).content.decode()
    assert "1/3" in summary and "Rất tốt" in summary and str(teacher[1]) in summary


def test_constant_queries(
    enrollments: list[Enrollment], owner: Any, secretary: Any, django_assert_max_num_queries: Any
) -> None:
    course = enrollments[0].course
    for e in enrollments:
        services.response_submit(actor=None, enrollment=e, source="paper", data=answers(e))
    pages = [
        (owner, url("summary", course_pk=course.pk)),
        (secretary, url("links", course_pk=course.pk)),
        (secretary, url("enter", enrollment_pk=enrollments[0].pk)),
    ]
    counts = {}
    for user, page in pages:
        with django_assert_max_num_queries(40) as ctx:
            assert client_for(user).get(page).status_code == 200
        counts[page] = len(ctx.captured_queries)
    from courses.models import Course

    Course.objects.filter(pk=course.pk).update(capacity=50)
    for i in range(10):
        e = nomination_services.enroll_directly(
            actor=None, course=course, person=make_person(course.owner, f"Học viên {i}")
        )
        services.response_submit(
            actor=None, enrollment=e, source="link", data=answers(e, comment="Ý kiến")
        )
    for user, page in pages:
        with django_assert_max_num_queries(counts[page]):
            assert client_for(user).get(page).status_code == 200
    public = url("answer", token=selectors.survey_token(enrollments[0]))
    with django_assert_max_num_queries(10):
        assert Client().get(public).status_code == 200
