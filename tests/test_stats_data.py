"""`generate_benchmark_data`: the tiny scale writes consistent, realistic rows."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Q

from assessment.models import Result
from attendance.models import Attendance
from courses.models import HELD_STATUSES, Course, Session, SessionLecturer
from nominations.models import Enrollment, EnrollmentStatus
from people.models import Person
from planning.models import TrainingPlan
from stats import selectors as s
from stats.benchdata import SCALES
from tests.conftest import ensure_reference_data


@pytest.fixture
def generated(db: Any) -> str:
    ensure_reference_data()
    out = StringIO()
    call_command("generate_benchmark_data", scale="tiny", stdout=out)
    return out.getvalue()


def test_tiny_scale_counts(generated: str) -> None:
    tiny = SCALES["tiny"]
    assert Person.objects.count() == tiny.people
    assert Course.objects.count() == tiny.classes
    enrolled = Enrollment.objects.exclude(status=EnrollmentStatus.WITHDRAWN).count()
    assert Enrollment.objects.count() == tiny.enrollments
    assert enrolled >= tiny.enrollments * 0.97
    assert Attendance.objects.count() >= tiny.marks
    assert "lượt điểm danh" in generated


def test_rows_are_consistent(generated: str) -> None:
    # Only classes that were held have trainees; places never exceed capacity.
    assert not Enrollment.objects.exclude(course__status__in=HELD_STATUSES).exists()
    assert not Course.objects.filter(enrolled_count__gt=models_f("capacity")).exists()
    for course in Course.objects.annotate(
        n=Count("enrollments", filter=~Q(enrollments__status=EnrollmentStatus.WITHDRAWN))
    ):
        assert course.enrolled_count == course.n
    # Marks belong to sessions of the trainee's own class; withdrawn trainees have none.
    assert not Attendance.objects.exclude(session__course=models_f("enrollment__course")).exists()
    assert not Attendance.objects.filter(enrollment__status=EnrollmentStatus.WITHDRAWN).exists()
    # Completion agrees with the computed result, which agrees with the marks.
    for result in Result.objects.select_related("enrollment")[:200]:
        assert result.enrollment.completed == result.computed_passed
        marks = Attendance.objects.filter(
            enrollment=result.enrollment, mark__in=("present", "late")
        ).count()
        assert result.attended == marks
    # Sessions of a class fall within its dates; a lecturer is never in two places.
    assert not Session.objects.filter(
        Q(date__lt=models_f("course__start_date")) | Q(date__gt=models_f("course__end_date"))
    ).exists()
    assert (
        SessionLecturer.objects.filter(is_booked=True)
        .values("lecturer_id", "starts_at")
        .distinct()
        .count()
        == SessionLecturer.objects.filter(is_booked=True).count()
    )
    assert TrainingPlan.objects.exists()
    # Names are Vietnamese, with the sort key and the search form filled.
    person = Person.objects.exclude(full_name="").first()
    assert person is not None and person.sort_key and person.name_folded


def test_statistics_read_the_generated_data(generated: str, admin_user: Any) -> None:
    import datetime

    f = s.stats_filter_for(
        admin_user, start=datetime.date(2017, 1, 1), end=datetime.date(2026, 12, 31)
    )
    summary = s.summary(admin_user, f)
    held = Enrollment.objects.filter(course__status__in=HELD_STATUSES).exclude(
        status=EnrollmentStatus.WITHDRAWN
    )
    assert summary.person_times == held.count()
    assert summary.trainees == held.values("person_id").distinct().count()
    assert sum(r.person_times for r in s.by_year(admin_user, f)) == summary.person_times
    assert sum(r.person_times for r in s.breakdown(admin_user, f, "sex")) == summary.person_times


def test_unknown_province_is_refused(db: Any) -> None:
    ensure_reference_data()
    with pytest.raises(CommandError):
        call_command("generate_benchmark_data", scale="tiny", province="Tỉnh Không Có")


def models_f(name: str) -> Any:
    from django.db.models import F

    return F(name)


def test_generated_data_is_read_exactly_through_the_aggregates(
    generated: str, admin_user: Any, monkeypatch: Any
) -> None:
    import datetime

    from stats.services import aggregates_fresh, aggregates_refresh

    assert not aggregates_fresh()  # the bulk load logged its change
    assert aggregates_refresh() is not None
    assert aggregates_fresh()
    f = s.stats_filter_for(
        admin_user, start=datetime.date(2017, 1, 1), end=datetime.date(2026, 12, 31)
    )
    assert s.aggregate_node(admin_user, f) is not None
    fast = (
        s.summary(admin_user, f),
        s.by_year(admin_user, f),
        s.breakdown(admin_user, f, "age_band"),
    )
    monkeypatch.setattr(s, "USE_AGGREGATES", False)
    live = (
        s.summary(admin_user, f),
        s.by_year(admin_user, f),
        s.breakdown(admin_user, f, "age_band"),
    )
    assert fast == live
