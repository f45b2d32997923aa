# ruff: noqa: F811 - the fixtures imported from test_assessment_fixtures are parameters here
from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from assessment import services
from assessment.models import Assignment, CompletionRule, Result
from assessment.selectors import attendance_counts, course_enrollments, rule_of
from nominations.models import Enrollment
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


def test_attendance_counts_skip_opening_and_closing(enrollments: list[Enrollment]) -> None:
    mark_all(enrollments[0])
    mark_all(enrollments[1], absent=2)
    counts = attendance_counts(enrollments[0].course)
    assert counts[enrollments[0].pk] == (4, 4)
    assert counts[enrollments[1].pk] == (2, 4)
    assert counts[enrollments[2].pk] == (0, 4)


def test_submit_file_checked_by_content(enrollments: list[Enrollment], secretary: Any) -> None:
    a = services.assignment_submit(
        actor=secretary, enrollment=enrollments[0], file=upload("bai.pdf", PDF)
    )
    assert a.submitted_at is not None and a.submitted_by == secretary and a.file_kind == "pdf"
    with pytest.raises(ValidationError, match="kiểm tra theo nội dung"):
        services.assignment_submit(
            actor=secretary, enrollment=enrollments[1], file=upload("virus.pdf", EXE)
        )
    with pytest.raises(ValidationError, match="kiểm tra theo nội dung"):
        # a real PNG named .pdf is refused too: the name must agree with the content
        services.assignment_submit(
            actor=secretary, enrollment=enrollments[1], file=upload("anh.pdf", PNG)
        )
    assert not Assignment.objects.filter(enrollment=enrollments[1]).exists()


def test_oversized_file_refused(
    enrollments: list[Enrollment], secretary: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(services, "MAX_ASSIGNMENT_BYTES", 10)
    with pytest.raises(ValidationError, match="quá lớn"):
        services.assignment_submit(
            actor=secretary, enrollment=enrollments[0], file=upload("bai.pdf", PDF)
        )
    assert not Assignment.objects.exists()


def test_submit_text_only_and_empty(enrollments: list[Enrollment], secretary: Any) -> None:
    with pytest.raises(ValidationError, match="nội dung hoặc một tệp"):
        services.assignment_submit(actor=secretary, enrollment=enrollments[0], text="   ")
    a = services.assignment_submit(actor=secretary, enrollment=enrollments[0], text="Bài viết")
    assert a.text == "Bài viết"


def test_batch_upload_matches_by_citizen_id_and_stt(
    enrollments: list[Enrollment], secretary: Any
) -> None:
    course = enrollments[0].course
    ordered = list(course_enrollments(course))
    matched = services.match_files(ordered, ["079190001232.pdf", "scan 03.png", "x.pdf"])
    assert matched[0] == enrollments[1] and matched[1] == ordered[2] and matched[2] is None
    files = [(enrollments[0], upload("a.pdf", PDF)), (enrollments[1], upload("b.exe.pdf", EXE))]
    with pytest.raises(ValidationError):
        services.assignments_upload(actor=secretary, course=course, files=files)
    assert not Assignment.objects.exists()  # one bad file: nothing written
    files = [(enrollments[0], upload("a.pdf", PDF)), (enrollments[1], upload("b.png", PNG))]
    saved = services.assignments_upload(actor=secretary, course=course, files=files)
    assert len(saved) == 2 and all(a.submitted_by == secretary for a in saved)


@pytest.mark.parametrize(
    "typed, message",
    [
        ("11", "ngoài thang"),
        ("tám", "không phải là số"),
        ("-1", "ngoài thang"),
        ("9" * 5000, "ngoài thang"),
        ("8,55", "một chữ số"),
        ("", "Chưa nhập"),
        ("NaN", "không phải là số"),
        ("1e1", "không phải là số"),
    ],
)
def test_bad_scores_write_nothing(
    enrollments: list[Enrollment], teacher: Any, typed: str, message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        services.grade_set(actor=teacher[0], enrollment=enrollments[0], score=typed)
    assert not Assignment.objects.exists()


def test_lecturer_grades_own_class_only(
    enrollments: list[Enrollment], teacher: Any, other_teacher: Any, member: Any, secretary: Any
) -> None:
    a = services.grade_set(actor=teacher[0], enrollment=enrollments[0], score="8,5", comment="Tốt")
    assert a.score == Decimal("8.5") and a.graded_by == teacher[0]
    for user in (other_teacher[0], secretary):
        with pytest.raises(PermissionDenied):
            services.grade_set(actor=user, enrollment=enrollments[1], score="7")
    services.grade_set(actor=member, enrollment=enrollments[1], score="7")  # committee grades


def test_database_refuses_score_out_of_range(enrollments: list[Enrollment]) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(enrollment=enrollments[0], score=Decimal("10.5"))
    Assignment.objects.create(enrollment=enrollments[0])
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(enrollment=enrollments[0])  # one per enrollment


def test_grade_labels_follow_the_class_scale(course: Any) -> None:
    rule = rule_of(course)
    labels = [services.grade_label(Decimal(v), rule) for v in ("9", "8", "6.5", "5", "4.9")]
    assert labels == ["Xuất sắc", "Giỏi", "Khá", "Trung bình", "Không đạt"]
    rule.excellent_from = Decimal("9.5")
    assert services.grade_label(Decimal("9"), rule) == "Giỏi"


def test_rule_scale_must_increase(course: Any, owner: Any) -> None:
    data = services.RuleData(
        Decimal("0.8"), True, Decimal(5), Decimal(7), Decimal(8), Decimal("6.5"), Decimal(5)
    )
    with pytest.raises(ValidationError, match="tăng dần"):
        services.rule_set(actor=owner, course=course, data=data)
    assert not CompletionRule.objects.exists()


def test_compute_results_with_reasons(
    enrollments: list[Enrollment], teacher: Any, owner: Any, secretary: Any
) -> None:
    first, second, third = enrollments
    course = first.course
    for e in enrollments:
        mark_all(e, absent=2 if e == second else 0)
        services.assignment_submit(actor=secretary, enrollment=e, file=upload("a.pdf", PDF))
    services.grade_set(actor=teacher[0], enrollment=first, score="8")
    services.grade_set(actor=teacher[0], enrollment=second, score="9")
    services.grade_set(actor=teacher[0], enrollment=third, score="4,5")
    results = {r.enrollment_id: r for r in services.results_compute(actor=owner, course=course)}
    assert results[first.pk].passed and results[first.pk].reasons == ""
    assert results[second.pk].reasons == "vắng 2/4 buổi"
    assert results[third.pk].reasons == "điểm 4,5 dưới mức đạt 5"
    assert list(Enrollment.objects.filter(completed=True)) == [first]


def test_missing_assignment_reason_and_rule_without_it(
    enrollments: list[Enrollment], owner: Any
) -> None:
    course = enrollments[0].course
    mark_all(enrollments[0])
    results = services.results_compute(actor=owner, course=course)
    first = next(r for r in results if r.enrollment_id == enrollments[0].pk)
    assert first.reasons == "chưa nộp bài thu hoạch"
    data = services.RuleData(
        Decimal("0.8"), False, Decimal(5), Decimal(9), Decimal(8), Decimal("6.5"), Decimal(5)
    )
    services.rule_set(actor=owner, course=course, data=data)
    services.results_compute(actor=owner, course=course)
    assert Enrollment.objects.get(pk=enrollments[0].pk).completed


def test_override_kept_on_recompute(enrollments: list[Enrollment], owner: Any, member: Any) -> None:
    course = enrollments[0].course
    services.results_compute(actor=owner, course=course)
    with pytest.raises(ValidationError, match="lý do"):
        services.result_override(actor=owner, enrollment=enrollments[0], passed=True, reason=" ")
    with pytest.raises(PermissionDenied):  # staff is not a manager
        services.result_override(actor=member, enrollment=enrollments[0], passed=True, reason="x")
    services.result_override(
        actor=owner, enrollment=enrollments[0], passed=True, reason="Ốm có giấy, đã học bù"
    )
    services.results_compute(actor=owner, course=course)
    result = Result.objects.get(enrollment=enrollments[0])
    assert result.override is True and result.override_by == owner and result.override_at
    assert not result.computed_passed and result.passed
    assert Enrollment.objects.get(pk=enrollments[0].pk).completed
    services.result_override(actor=owner, enrollment=enrollments[0], passed=None, reason="")
    assert not Enrollment.objects.get(pk=enrollments[0].pk).completed


def test_outsider_cannot_compute(enrollments: list[Enrollment], outsider: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.results_compute(actor=outsider, course=enrollments[0].course)
