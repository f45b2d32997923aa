# ruff: noqa: F811 - the fixtures imported from test_assessment_fixtures are parameters here
from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook  # type: ignore[import-untyped]

from assessment import services
from assessment.models import Assignment, Result
from nominations.models import Enrollment
from people.models import Person
from tests.conftest import client_for
from tests.test_assessment_fixtures import (  # noqa: F401 - fixtures
    EXE,
    PDF,
    PNG,
    course,
    enrollments,
    front,
    mark_all,
    other_course,
    other_teacher,
    secretary,
    teacher,
    upload,
)

pytestmark = pytest.mark.django_db


def url(name: str, **kwargs: Any) -> str:
    return reverse(f"assessment:{name}", kwargs=kwargs)


def test_results_page_scope(
    enrollments: list[Enrollment], owner: Any, outsider: Any, teacher: Any, secretary: Any
) -> None:
    page = url("results", course_pk=enrollments[0].course_id)
    assert client_for(owner).get(page).status_code == 200
    assert client_for(outsider).get(page).status_code == 404
    assert client_for(teacher[0]).get(page).status_code == 403  # lecturers grade, not decide
    assert client_for(secretary).get(page).status_code == 403


def test_grading_page_scope(
    enrollments: list[Enrollment],
    teacher: Any,
    other_teacher: Any,
    outsider: Any,
    secretary: Any,
    member: Any,
) -> None:
    page = url("grading", course_pk=enrollments[0].course_id)
    assert client_for(teacher[0]).get(page).status_code == 200
    assert client_for(member).get(page).status_code == 200
    assert client_for(other_teacher[0]).get(page).status_code == 404  # not their class
    assert client_for(outsider).get(page).status_code == 404
    assert client_for(secretary).get(page).status_code == 403
    post = url("grade", enrollment_pk=enrollments[0].pk)
    assert client_for(other_teacher[0]).post(post, {"score": "9"}).status_code == 404
    assert client_for(secretary).post(post, {"score": "9"}).status_code == 403
    assert not Assignment.objects.exists()


@pytest.mark.parametrize("typed", ["11", "tám"])
def test_grade_row_bad_input(enrollments: list[Enrollment], teacher: Any, typed: str) -> None:
    client = client_for(teacher[0])
    response = client.post(
        url("grade", enrollment_pk=enrollments[0].pk), {"score": typed}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200  # htmx swaps the row with its message
    text = response.content.decode()
    assert "ngoài thang điểm" in text or "không phải là số" in text
    assert not Assignment.objects.exists()


def test_grade_row_saved_by_htmx(enrollments: list[Enrollment], teacher: Any) -> None:
    client = client_for(teacher[0])
    response = client.post(
        url("grade", enrollment_pk=enrollments[0].pk),
        {"score": "9,5", "comment": "Bài tốt"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and "Xuất sắc" in response.content.decode()
    assert Assignment.objects.get().score == Decimal("9.5")


def test_pages_constant_queries(
    enrollments: list[Enrollment],
    owner: Any,
    teacher: Any,
    front: Any,
    django_assert_max_num_queries: Any,
) -> None:
    course = enrollments[0].course
    for e in enrollments:
        mark_all(e)
        services.grade_set(actor=None, enrollment=e, score="7")
    services.results_compute(actor=None, course=course)
    pages = [
        (owner, url("results", course_pk=course.pk)),
        (teacher[0], url("grading", course_pk=course.pk)),
        (owner, url("upload", course_pk=course.pk)),
        (owner, url("results_xlsx", course_pk=course.pk)),
    ]
    counts = {}
    for user, page in pages:
        client = client_for(user)
        with django_assert_max_num_queries(40) as ctx:
            assert client.get(page).status_code == 200
        counts[page] = len(ctx.captured_queries)
    # Twenty more trainees cost no more queries.
    from courses.models import Course
    from nominations import services as nomination_services
    from tests.test_nominations_fixtures import make_person

    Course.objects.filter(pk=course.pk).update(capacity=30)
    course.refresh_from_db()
    for i in range(20):
        person = make_person(front, f"Võ Văn Thêm{i}")
        e = nomination_services.enroll_directly(actor=None, course=course, person=person)
        mark_all(e)
        services.grade_set(actor=None, enrollment=e, score="6")
    services.results_compute(actor=None, course=course)
    for user, page in pages:
        client = client_for(user)
        with django_assert_max_num_queries(counts[page]):
            assert client.get(page).status_code == 200


def test_upload_page_renamed_executable_refused(
    enrollments: list[Enrollment], secretary: Any
) -> None:
    client = client_for(secretary)
    page = url("upload", course_pk=enrollments[0].course_id)
    response = client.post(
        page,
        {
            f"file-{enrollments[0].pk}": upload("bai.pdf", PDF),
            "files": [upload("02-virus.pdf", EXE)],
        },
    )
    assert response.status_code == 422
    assert "kiểm tra theo nội dung" in response.content.decode()
    assert not Assignment.objects.exists()


def test_upload_page_many_files(enrollments: list[Enrollment], secretary: Any) -> None:
    client = client_for(secretary)
    page = url("upload", course_pk=enrollments[0].course_id)
    person = Person.objects.get(pk=enrollments[2].person_id)
    response = client.post(
        page,
        {
            f"file-{enrollments[0].pk}": upload("scan.png", PNG),
            "files": [upload(f"{person.citizen_id}.pdf", PDF)],
        },
    )
    assert response.status_code == 302
    assert set(Assignment.objects.values_list("enrollment_id", flat=True)) == {
        enrollments[0].pk,
        enrollments[2].pk,
    }
    unmatched = client.post(page, {"files": [upload("khong-ro.pdf", PDF)]})
    assert unmatched.status_code == 422 and "Không xác định" in unmatched.content.decode()


def test_download_goes_through_the_gate(
    enrollments: list[Enrollment],
    secretary: Any,
    outsider: Any,
    teacher: Any,
    other_teacher: Any,
) -> None:
    a = services.assignment_submit(
        actor=secretary, enrollment=enrollments[0], file=upload("bai.pdf", PDF)
    )
    page = url("download", enrollment_pk=a.enrollment_id)
    response = client_for(teacher[0]).get(page)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert client_for(outsider).get(page).status_code == 404
    assert client_for(other_teacher[0]).get(page).status_code == 404


def test_submit_text(enrollments: list[Enrollment], secretary: Any) -> None:
    page = url("submit", enrollment_pk=enrollments[0].pk)
    client = client_for(secretary)
    assert client.get(page).status_code == 200
    assert client.post(page, {"text": ""}).status_code == 200  # form again with the message
    assert not Assignment.objects.exists()
    assert client.post(page, {"text": "Nội dung bài"}).status_code == 302


def test_compute_override_and_export(
    enrollments: list[Enrollment], owner: Any, member: Any
) -> None:
    course = enrollments[0].course
    client = client_for(owner)
    assert client.post(url("compute", course_pk=course.pk)).status_code == 302
    assert Result.objects.count() == 3
    override = url("override", enrollment_pk=enrollments[0].pk)
    client.post(override, {"decision": "pass", "reason": ""})
    assert Result.objects.get(enrollment=enrollments[0]).override is None
    assert client_for(member).post(override, {"decision": "pass", "reason": "x"}).status_code == 403
    client.post(override, {"decision": "pass", "reason": '=HYPERLINK("x")'})
    client.post(url("compute", course_pk=course.pk))
    assert Result.objects.get(enrollment=enrollments[0]).passed
    response = client.get(url("results_xlsx", course_pk=course.pk))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][1] == "Họ và tên" and len(rows) == 4
    cell = next(c for r in sheet.iter_rows() for c in r if str(c.value).startswith("=HYPER"))
    assert cell.data_type == "s"


def test_rule_form(enrollments: list[Enrollment], owner: Any) -> None:
    course = enrollments[0].course
    client = client_for(owner)
    data = {
        "rule-min_attendance": "0,5",
        "rule-assignment_required": "on",
        "rule-pass_mark": "6",
        "rule-excellent_from": "9",
        "rule-good_from": "8",
        "rule-fair_from": "6,5",
        "rule-average_from": "5",
    }
    client.post(url("rule", course_pk=course.pk), data)
    assert course.completion_rule.min_attendance == Decimal("0.5")
    bad = data | {"rule-pass_mark": "11"}
    response = client.post(url("rule", course_pk=course.pk), bad, follow=True)
    assert "10" in response.content.decode()
    course.completion_rule.refresh_from_db()
    assert course.completion_rule.pass_mark == Decimal(6)
