"""Many people approved for the last places at the same instant (PostgreSQL).

30 threads, each with its own database connection, wait at a barrier and then
approve (or enroll directly) a different person in a class with 5 places
left: exactly 5 get in, the rest wait in line, nobody is lost, and the
counter equals the rows. Then 5 trainees leave at once and exactly the first
5 on the waiting list are promoted, in order.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction

from courses.models import Course
from nominations import selectors, services
from nominations.models import (
    Enrollment,
    EnrollmentStatus,
    EventKind,
    Nomination,
    NominationEvent,
    NominationStatus,
    Quota,
)
from tests.concurrency import race
from tests.test_nominations_fixtures import make_person, make_unit, nominating_course

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises every write: concurrency is only meaningful on PostgreSQL",
    ),
]

THREADS = 30


def test_no_overbooking_and_no_lost_registration(owner_org: Any, member: Any) -> None:
    course = nominating_course(owner_org, capacity=60)
    units = [make_unit(owner_org, f"Đơn vị cử số {i}", "other") for i in range(3)]
    for unit in units:
        services.quota_set(actor=None, course=course, unit=unit, places=THREADS // 3 + 2)
    # 20 places already taken, then the capacity brought down to leave 5.
    for i in range(20):
        services.enroll_directly(
            actor=None, course=course, person=make_person(owner_org, f"Lê Văn Sẵn{i}")
        )
    Course.objects.filter(pk=course.pk).update(capacity=25)
    nominations = [
        services.nominate(
            actor=None,
            course=course,
            unit=units[i % 3],
            person=make_person(units[i % 3], f"Nguyễn Văn Đua{i}"),
        )
        for i in range(THREADS - 5)
    ]
    direct = [make_person(owner_org, f"Trần Văn Thẳng{i}") for i in range(5)]
    jobs: list[Callable[[], Any]] = [
        (lambda n=n: services.nomination_approve(actor=member, nomination=n).status)
        for n in nominations
    ]
    jobs += [
        (lambda p=p: services.enroll_directly(actor=member, course=course, person=p).status)
        for p in direct
    ]
    results, errors = race(jobs)

    course.refresh_from_db()
    enrolled = Enrollment.objects.filter(course=course, status=EnrollmentStatus.ENROLLED)
    assert course.enrolled_count == 25 == enrolled.count()
    assert selectors.enrolled_count_matches(course)
    # Every approval either took a place or waits; only direct enrollments may be refused.
    statuses = Nomination.objects.filter(pk__in=[n.pk for n in nominations]).values_list(
        "status", flat=True
    )
    assert set(statuses) <= {NominationStatus.APPROVED, NominationStatus.WAITLISTED}
    approved = sum(s == NominationStatus.APPROVED for s in statuses)
    direct_in = enrolled.filter(person__in=direct).count()
    assert approved + direct_in == 5
    assert len(results) + len(errors) == THREADS
    assert all("không còn chỗ" in " ".join(getattr(e, "messages", [str(e)])) for e in errors)
    assert len(errors) == 5 - direct_in
    waiting = list(
        Nomination.objects.filter(course=course, status=NominationStatus.WAITLISTED).order_by(
            "waitlisted_at", "pk"
        )
    )
    assert len(waiting) == len(nominations) - approved

    # Five trainees leave at the same instant: the first five waiting are promoted.
    leaving = list(enrolled.order_by("pk")[:5])
    _results, errors = race(
        [
            (lambda e=e: services.enrollment_withdraw(actor=member, enrollment=e, reason="Bận"))
            for e in leaving
        ]
    )
    assert errors == []
    course.refresh_from_db()
    assert course.enrolled_count == 25 and selectors.enrolled_count_matches(course)
    promoted = set(
        Nomination.objects.filter(pk__in=[n.pk for n in waiting[:5]]).values_list(
            "status", flat=True
        )
    )
    assert promoted == {NominationStatus.APPROVED}
    assert (
        Nomination.objects.filter(course=course, status=NominationStatus.WAITLISTED).count()
        == len(waiting) - 5
    )
    assert NominationEvent.objects.filter(course=course, kind=EventKind.PROMOTED).count() == 5


def test_quota_cannot_fall_below_a_nomination_in_flight(owner_org: Any, member: Any) -> None:
    """A nomination is being saved while the committee lowers the unit's quota:
    the quota waits for it and counts it, so places never fall below what is
    used, and neither waits for the other in a cycle."""
    course = nominating_course(owner_org, capacity=10)
    unit = make_unit(owner_org, "Đơn vị cử", "other")
    quota = services.quota_set(actor=None, course=course, unit=unit, places=3)
    for i in range(2):
        services.nominate(
            actor=None, course=course, unit=unit, person=make_person(unit, f"Lê Văn Sớm{i}")
        )
    third = make_person(unit, "Lê Văn Muộn")
    saved = threading.Event()
    errors: list[BaseException] = []

    def nominate_slowly() -> None:
        # What `nominate` does, slowed down between counting and saving.
        try:
            with transaction.atomic():
                Quota.objects.select_for_update().get(pk=quota.pk)
                saved.set()
                time.sleep(1.0)  # the quota is being changed meanwhile
                Nomination.objects.create(course=course, person=third, unit=unit, quota=quota)
        except BaseException as exc:
            errors.append(exc)
            saved.set()
        finally:
            connections.close_all()

    thread = threading.Thread(target=nominate_slowly)
    thread.start()
    assert saved.wait(timeout=30)
    refusal = ""
    try:
        services.quota_set(actor=member, course=course, unit=unit, places=2)
    except ValidationError as exc:
        refusal = " ".join(exc.messages)
    thread.join(timeout=30)
    assert errors == []
    quota.refresh_from_db()
    used = Nomination.objects.filter(quota=quota, status=NominationStatus.SUBMITTED).count()
    assert used == 3 and quota.places == 3
    assert "Đơn vị đã cử 3 người; không thể giảm chỉ tiêu xuống 2" in refusal
