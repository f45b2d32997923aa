# ruff: noqa: F811 - the fixtures imported from test_nominations_fixtures are parameters here
from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.scope import restrict
from courses.models import Course, CourseStatus
from courses.services import CourseData, course_update
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
from people.models import Person
from people.services import PersonData
from tests.factories import UserFactory
from tests.test_nominations_fixtures import (  # noqa: F401 - fixtures
    course,
    focal,
    front,
    make_person,
    nominating_course,
    people_of,
    women,
    women_focal,
)

pytestmark = pytest.mark.django_db


def _messages(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(exc.value.messages)


def _consistent(course: Course) -> bool:
    return selectors.enrolled_count_matches(course)


# --- quotas ---------------------------------------------------------------------------


def test_quotas_may_not_exceed_capacity(member: Any, course: Course, front: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.quota_set(actor=member, course=course, unit=front, places=4)
    assert "Tổng chỉ tiêu các đơn vị (6) vượt số học viên dự kiến của lớp (5)" in _messages(exc)
    assert "tối đa 3" in _messages(exc)
    assert Quota.objects.get(course=course, unit=front).places == 3
    services.quota_set(actor=member, course=course, unit=front, places=2, note="giảm")
    assert Quota.objects.get(course=course, unit=front).places == 2


def test_quota_rules(member: Any, outsider: Any, owner_org: Any, course: Course, front: Any,
                     focal: Any) -> None:  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.quota_set(actor=outsider, course=course, unit=front, places=1)
    with pytest.raises(PermissionDenied):
        services.quota_set(actor=focal, course=course, unit=front, places=1)
    with pytest.raises(ValidationError, match="từ 1 trở lên"):
        services.quota_set(actor=member, course=course, unit=front, places=0)
    for person in people_of(front, 2):
        services.nominate(actor=focal, course=course, unit=front, person=person)
    with pytest.raises(
        ValidationError, match="Đơn vị đã cử 2 người; không thể giảm chỉ tiêu xuống 1"
    ):
        services.quota_set(actor=member, course=course, unit=front, places=1)
    quota = Quota.objects.get(course=course, unit=front)
    with pytest.raises(ValidationError, match="không xoá được"):
        services.quota_delete(actor=member, quota=quota)
    assert Quota.objects.filter(pk=quota.pk).exists()
    Course.objects.filter(pk=course.pk).update(status=CourseStatus.COMPLETED)
    course.refresh_from_db()
    with pytest.raises(ValidationError, match="không thể thay đổi chỉ tiêu"):
        services.quota_set(actor=member, course=course, unit=front, places=3)


def test_quota_for_a_unit_outside_the_territory(member: Any, course: Course,
                                                outsider_org: Any) -> None:  # fmt: skip
    with pytest.raises(ValidationError, match="ngoài phạm vi"):
        services.quota_set(actor=member, course=course, unit=outsider_org, places=1)
    assert not Quota.objects.filter(unit=outsider_org).exists()


def test_quota_delete_without_nominations(member: Any, course: Course, women: Any) -> None:
    services.quota_delete(actor=member, quota=Quota.objects.get(course=course, unit=women))
    assert not Quota.objects.filter(course=course, unit=women).exists()


# --- nominating -----------------------------------------------------------------------


def test_focal_point_nominates_against_the_quota(course: Course, front: Any, focal: Any) -> None:
    a, b, c, d = people_of(front, 4)
    for person in (a, b, c):
        services.nominate(actor=focal, course=course, unit=front, person=person, note="tổ trưởng")
    with pytest.raises(ValidationError) as exc:
        services.nominate(actor=focal, course=course, unit=front, person=d)
    assert "Đơn vị đã cử đủ 3/3 chỉ tiêu của lớp." in _messages(exc)
    assert Nomination.objects.filter(course=course).count() == 3
    assert NominationEvent.objects.filter(course=course, kind=EventKind.SUBMITTED).count() == 3
    # A withdrawn nomination no longer counts against the quota.
    services.nomination_withdraw(actor=focal, nomination=Nomination.objects.get(person=a))
    services.nominate(actor=focal, course=course, unit=front, person=d)
    assert Nomination.objects.filter(course=course, status="submitted").count() == 3


def test_duplicate_nomination_is_refused(course: Course, front: Any, focal: Any,
                                         member: Any, women: Any) -> None:  # fmt: skip
    person = make_person(front, "Trần Thị Lan")
    services.nominate(actor=focal, course=course, unit=front, person=person)
    with pytest.raises(ValidationError) as exc:
        services.nominate(actor=focal, course=course, unit=front, person=person)
    assert _messages(exc) == "Trần Thị Lan đã được cử vào lớp này."
    # Also through another unit's quota (the committee may use any quota).
    with pytest.raises(ValidationError, match="đã được cử vào lớp này"):
        services.nominate(actor=member, course=course, unit=women, person=person)
    assert Nomination.objects.filter(person=person).count() == 1


def test_database_refuses_a_second_open_nomination(course: Course, front: Any) -> None:
    person = make_person(front, "Trần Thị Lan")
    quota = Quota.objects.get(course=course, unit=front)
    Nomination.objects.create(course=course, person=person, unit=front, quota=quota)
    with pytest.raises(IntegrityError), transaction.atomic():
        Nomination.objects.create(course=course, person=person, unit=front, quota=quota)


def test_who_may_nominate(course: Course, front: Any, women: Any, focal: Any,
                          women_focal: Any, outsider: Any) -> None:  # fmt: skip
    person = make_person(front, "Lê Văn Bình")
    # Another unit's focal point cannot use the Front's quota, nor its people.
    with pytest.raises(PermissionDenied):
        services.nominate(actor=women_focal, course=course, unit=front, person=person)
    with pytest.raises(PermissionDenied, match="không có quyền cử người này"):
        services.nominate(actor=women_focal, course=course, unit=women, person=person)
    with pytest.raises(PermissionDenied):
        services.nominate(actor=outsider, course=course, unit=front, person=person)
    assert not Nomination.objects.exists()


def test_unit_without_quota(member: Any, owner_org: Any, front: Any, focal: Any) -> None:
    course = nominating_course(owner_org)
    with pytest.raises(ValidationError, match="chưa được giao chỉ tiêu"):
        services.nominate(
            actor=focal, course=course, unit=front, person=make_person(front, "Lê Văn Bình")
        )


def test_only_while_nominating(course: Course, front: Any, focal: Any) -> None:
    Course.objects.filter(pk=course.pk).update(status=CourseStatus.APPROVED)
    course.refresh_from_db()
    with pytest.raises(ValidationError, match="không trong giai đoạn cử học viên"):
        services.nominate(
            actor=focal, course=course, unit=front, person=make_person(front, "Lê Văn Bình")
        )


def test_deadline(course: Course, front: Any, focal: Any, member: Any) -> None:
    deadline = timezone.make_aware(datetime.datetime(2022, 5, 20, 17, 0))
    Course.objects.filter(pk=course.pk).update(nomination_deadline=deadline)
    course.refresh_from_db()
    person = make_person(front, "Lê Văn Bình")
    with pytest.raises(ValidationError) as exc:
        services.nominate(actor=focal, course=course, unit=front, person=person)
    assert _messages(exc) == "Đã hết hạn cử học viên (hạn cuối: 20/05/2022 17:00)."
    # The committee may still add a late nomination.
    services.nominate(actor=member, course=course, unit=front, person=person)
    assert Nomination.objects.filter(person=person, submitted_by=member).exists()


def test_new_person_and_nomination_are_both_or_neither(course: Course, front: Any,
                                                        focal: Any) -> None:  # fmt: skip
    nomination = services.nominate_new_person(
        actor=focal, course=course, unit=front, data=PersonData.from_full_name("Đỗ Thị Hoa")
    )
    assert nomination.person.owner == front
    for person in people_of(front, 2):
        services.nominate(actor=focal, course=course, unit=front, person=person)
    with pytest.raises(ValidationError, match="đã cử đủ 3/3"):
        services.nominate_new_person(
            actor=focal, course=course, unit=front, data=PersonData.from_full_name("Vũ Văn Nam")
        )
    assert not Person.objects.filter(full_name="Vũ Văn Nam").exists()


# --- approving, rejecting, the waiting list ------------------------------------------


def _nominated(course: Course, unit: Any, n: int, prefix: str = "Nguyễn Văn") -> list[Nomination]:
    return [
        services.nominate(actor=None, course=course, unit=unit, person=p)
        for p in people_of(unit, n, prefix)
    ]


def test_approve_takes_a_place_then_waitlists(course: Course, front: Any, women: Any,
                                              member: Any) -> None:  # fmt: skip
    Course.objects.filter(pk=course.pk).update(capacity=3)
    nominations = _nominated(course, front, 3) + _nominated(course, women, 2, "Trần Thị")
    for n in nominations[:3]:
        assert services.nomination_approve(actor=member, nomination=n).status == "approved"
    course.refresh_from_db()
    assert course.enrolled_count == 3 and _consistent(course)
    fourth = services.nomination_approve(actor=member, nomination=nominations[3])
    fifth = services.nomination_approve(actor=member, nomination=nominations[4])
    assert fourth.status == fifth.status == NominationStatus.WAITLISTED
    assert fourth.waitlisted_at is not None and fourth.decided_by == member
    assert services.waitlist_position(fourth) == 1 and services.waitlist_position(fifth) == 2
    event = NominationEvent.objects.filter(kind=EventKind.WAITLISTED).order_by("pk").last()
    assert event is not None and "vào danh sách chờ, thứ tự 2" in event.message
    course.refresh_from_db()
    assert course.enrolled_count == 3 and _consistent(course)
    with pytest.raises(ValidationError, match="không duyệt được"):
        services.nomination_approve(actor=member, nomination=nominations[0])
    # Re-trying a waiting nomination while the class is still full changes nothing.
    with pytest.raises(ValidationError, match="tiếp tục ở danh sách chờ"):
        services.nomination_approve(actor=member, nomination=fourth)


def test_who_may_approve(course: Course, front: Any, focal: Any, outsider: Any) -> None:
    nomination = _nominated(course, front, 1)[0]
    for actor in (focal, outsider):
        with pytest.raises(PermissionDenied):
            services.nomination_approve(actor=actor, nomination=nomination)
    nomination.refresh_from_db()
    assert nomination.status == "submitted" and not Enrollment.objects.exists()


def test_reject_needs_a_reason(course: Course, front: Any, member: Any) -> None:
    nomination = _nominated(course, front, 1)[0]
    with pytest.raises(ValidationError, match="Không duyệt phải ghi rõ lý do"):
        services.nomination_reject(actor=member, nomination=nomination, reason="   ")
    nomination.refresh_from_db()
    assert nomination.status == "submitted"
    services.nomination_reject(actor=member, nomination=nomination, reason="Không đúng đối tượng")
    nomination.refresh_from_db()
    assert nomination.status == "rejected" and nomination.reason == "Không đúng đối tượng"
    with pytest.raises(ValidationError, match="không thể chuyển sang không duyệt"):
        services.nomination_reject(actor=member, nomination=nomination, reason="lần nữa")


def test_withdrawal_promotes_the_first_waiting(course: Course, front: Any, women: Any,
                                               member: Any) -> None:  # fmt: skip
    Course.objects.filter(pk=course.pk).update(capacity=2)
    nominations = _nominated(course, front, 3) + _nominated(course, women, 1, "Trần Thị")
    for n in nominations:
        services.nomination_approve(actor=member, nomination=n)
    first_waiting, second_waiting = nominations[2], nominations[3]
    leaving = Enrollment.objects.get(nomination=nominations[0])
    with pytest.raises(ValidationError, match="phải ghi rõ lý do"):
        services.enrollment_withdraw(actor=member, enrollment=leaving, reason="")
    services.enrollment_withdraw(actor=member, enrollment=leaving, reason="Ốm")
    course.refresh_from_db()
    first_waiting.refresh_from_db()
    assert first_waiting.status == "approved" and first_waiting.waitlisted_at is None
    assert Enrollment.objects.get(nomination=first_waiting).status == "enrolled"
    assert course.enrolled_count == 2 and _consistent(course)
    promoted = NominationEvent.objects.get(kind=EventKind.PROMOTED)
    assert promoted.message == (
        "Đã tự động chuyển Nguyễn Văn Học Viên3 (Ủy ban MTTQ Việt Nam huyện Bù Đăng) từ danh "
        "sách chờ vào lớp thay cho Nguyễn Văn Học Viên1 (Ủy ban MTTQ Việt Nam huyện Bù Đăng)."
    )
    nominations[0].refresh_from_db()
    assert nominations[0].status == "withdrawn"
    # Again: the second waiting takes the next freed place; then nobody waits.
    services.enrollment_withdraw(
        actor=member, enrollment=Enrollment.objects.get(nomination=nominations[1]), reason="Bận"
    )
    second_waiting.refresh_from_db()
    assert second_waiting.status == "approved"
    services.enrollment_withdraw(
        actor=member, enrollment=Enrollment.objects.get(nomination=first_waiting), reason="Bận"
    )
    course.refresh_from_db()
    assert course.enrolled_count == 1 and _consistent(course)
    with pytest.raises(ValidationError, match="đã rút khỏi lớp"):
        services.enrollment_withdraw(actor=member, enrollment=leaving, reason="lần nữa")


def test_focal_point_withdraws_an_approved_person(course: Course, front: Any, focal: Any,
                                                  women: Any, member: Any) -> None:  # fmt: skip
    Course.objects.filter(pk=course.pk).update(capacity=1)
    mine = _nominated(course, front, 1)[0]
    theirs = _nominated(course, women, 1, "Trần Thị")[0]
    services.nomination_approve(actor=member, nomination=mine)
    services.nomination_approve(actor=member, nomination=theirs)
    services.nomination_withdraw(actor=focal, nomination=mine, reason="Chuyển công tác")
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.status == "withdrawn" and theirs.status == "approved"
    course.refresh_from_db()
    assert course.enrolled_count == 1 and _consistent(course)
    # Nobody else's nomination.
    with pytest.raises(PermissionDenied):
        services.nomination_withdraw(actor=focal, nomination=theirs)


def test_enroll_directly(course: Course, front: Any, member: Any, owner_org: Any) -> None:
    Course.objects.filter(pk=course.pk).update(capacity=1)
    guest = make_person(owner_org, "Phạm Văn Khách")
    enrollment = services.enroll_directly(actor=member, course=course, person=guest)
    assert enrollment.unit is None
    with pytest.raises(ValidationError, match="đã là học viên"):
        services.enroll_directly(actor=member, course=course, person=guest)
    other = make_person(owner_org, "Phạm Văn Hai")
    with pytest.raises(ValidationError, match="Lớp đã đủ 1 học viên; không còn chỗ"):
        services.enroll_directly(actor=member, course=course, person=other)
    nominated = _nominated(course, front, 1)[0]
    with pytest.raises(ValidationError, match="đã có đề cử trong lớp"):
        services.enroll_directly(actor=member, course=course, person=nominated.person)
    # Leaving and coming back re-uses the one row of the person in the class.
    services.enrollment_withdraw(actor=member, enrollment=enrollment, reason="Bận")
    services.enroll_directly(actor=member, course=course, person=guest)
    assert Enrollment.objects.filter(course=course, person=guest).count() == 1
    course.refresh_from_db()
    assert course.enrolled_count == 1 and _consistent(course)


def test_database_refuses_overbooking(course: Course) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Course.objects.filter(pk=course.pk).update(enrolled_count=6)


def test_capacity_cannot_fall_below_enrolled(course: Course, front: Any, women: Any,
                                             member: Any, owner: Any) -> None:  # fmt: skip
    for n in _nominated(course, front, 3):
        services.nomination_approve(actor=member, nomination=n)
    course.refresh_from_db()
    data = CourseData(
        kind=course.kind,
        title=course.title,
        owner=course.owner,
        start_date=course.start_date,
        end_date=course.end_date,
        capacity=2,
    )
    with pytest.raises(ValidationError) as exc:
        course_update(actor=owner, course=course, data=data)
    assert exc.value.message_dict["capacity"] == [
        "Lớp đã có 3 học viên; số học viên dự kiến không thể ít hơn."
    ]
    assert Course.objects.get(pk=course.pk).capacity == 5
    # A stale copy of the class cannot undo places taken since it was read.
    stale = Course.objects.get(pk=course.pk)
    women_nomination = Nomination.objects.create(
        course=course, person=make_person(women, "Trần Thị Mai"), unit=women
    )
    services.nomination_approve(actor=member, nomination=women_nomination)
    course_update(actor=owner, course=stale, data=CourseData(**{**data.__dict__, "capacity": 4}))
    assert Course.objects.get(pk=course.pk).enrolled_count == 4


# --- scope ----------------------------------------------------------------------------


def test_focal_point_sees_the_class_and_only_its_units_nominations(
    province_org: Any, front: Any, women: Any, focal: Any, women_focal: Any
) -> None:
    # A province's class: the district Front holds a quota, so its focal point sees it.
    course = nominating_course(province_org, title="Lớp của Tỉnh")
    services.quota_set(actor=None, course=course, unit=front, places=2)
    services.quota_set(actor=None, course=course, unit=women, places=2)
    other_class = nominating_course(province_org, title="Lớp khác")
    assert list(restrict(Course.objects.all(), focal)) == [course]
    mine = _nominated(course, front, 1)[0]
    _nominated(course, women, 1, "Trần Thị")
    assert list(restrict(Nomination.objects.all(), focal)) == [mine]
    assert [q.unit for q in selectors.unit_quotas(user=focal)] == [front]
    assert other_class not in restrict(Course.objects.all(), women_focal)
    trainee = UserFactory(organization=front, roles=["trainee"])
    assert not restrict(Nomination.objects.all(), trainee).exists()
    assert not restrict(
        Enrollment.objects.filter(status=EnrollmentStatus.ENROLLED), trainee
    ).exists()


def test_waiting_list_comes_before_later_approvals(course: Course, front: Any, women: Any,
                                                   member: Any) -> None:  # fmt: skip
    Course.objects.filter(pk=course.pk).update(capacity=1)
    first, waiting, later = _nominated(course, front, 2) + _nominated(course, women, 1, "Trần Thị")
    services.nomination_approve(actor=member, nomination=first)
    services.nomination_approve(actor=member, nomination=waiting)
    # A place frees without a withdrawal (the class grew behind the service's back).
    Course.objects.filter(pk=course.pk).update(capacity=2)
    later = services.nomination_approve(actor=member, nomination=later)
    waiting.refresh_from_db()
    assert waiting.status == NominationStatus.APPROVED
    assert later.status == NominationStatus.WAITLISTED
    course.refresh_from_db()
    assert course.enrolled_count == 2 and _consistent(course)


def test_a_larger_class_takes_the_waiting_list_in_order(course: Course, front: Any, women: Any,
                                                        member: Any) -> None:  # fmt: skip
    Course.objects.filter(pk=course.pk).update(capacity=1)
    nominations = _nominated(course, front, 3) + _nominated(course, women, 1, "Trần Thị")
    for n in nominations:
        services.nomination_approve(actor=member, nomination=n)
    course.refresh_from_db()
    data = CourseData(
        kind=course.kind,
        level=course.level,
        title=course.title,
        owner=course.owner,
        start_date=course.start_date,
        end_date=course.end_date,
        venue=course.venue,
        capacity=3,
    )
    course_update(actor=member, course=course, data=data)
    statuses = [Nomination.objects.get(pk=n.pk).status for n in nominations]
    assert statuses == ["approved", "approved", "approved", "waitlisted"]
    assert NominationEvent.objects.filter(kind=EventKind.PROMOTED).count() == 2
    course.refresh_from_db()
    assert course.enrolled_count == 3 and _consistent(course)


# --- someone enrolled and waiting at once (two merged records, before merges refused it) ---


def _also_waiting(course: Course, person: Person, unit: Any) -> Nomination:
    """A waiting nomination of someone already in the class: the state an old
    merge of two records could leave behind."""
    return Nomination.objects.create(
        course=course,
        person=person,
        unit=unit,
        status=NominationStatus.WAITLISTED,
        waitlisted_at=timezone.now() - datetime.timedelta(days=1),
    )


def test_a_withdrawal_skips_a_waiting_person_already_enrolled(
    course: Course, front: Any, women: Any, member: Any, owner_org: Any
) -> None:
    Course.objects.filter(pk=course.pk).update(capacity=2)
    guest = make_person(owner_org, "Phạm Văn Khách")
    services.enroll_directly(actor=member, course=course, person=guest)
    leaving, waiting = _nominated(course, front, 2)
    services.nomination_approve(actor=member, nomination=leaving)
    services.nomination_approve(actor=member, nomination=waiting)
    stuck = _also_waiting(course, guest, women)  # first in line, but already in the class
    services.enrollment_withdraw(
        actor=member, enrollment=Enrollment.objects.get(nomination=leaving), reason="Ốm"
    )
    stuck.refresh_from_db()
    waiting.refresh_from_db()
    assert stuck.status == NominationStatus.WITHDRAWN and stuck.waitlisted_at is None
    assert "đã là học viên" in stuck.reason
    assert waiting.status == NominationStatus.APPROVED
    assert NominationEvent.objects.filter(
        nomination=stuck, kind=EventKind.WITHDRAWN, message__contains="danh sách chờ"
    ).exists()
    course.refresh_from_db()
    assert course.enrolled_count == 2 and _consistent(course)


def test_the_one_leaving_does_not_take_their_own_place_back(
    course: Course, women: Any, member: Any, owner_org: Any
) -> None:
    Course.objects.filter(pk=course.pk).update(capacity=1)
    guest = make_person(owner_org, "Phạm Văn Khách")
    enrollment = services.enroll_directly(actor=member, course=course, person=guest)
    stuck = _also_waiting(course, guest, women)
    services.enrollment_withdraw(actor=member, enrollment=enrollment, reason="Chuyển công tác")
    stuck.refresh_from_db()
    enrollment.refresh_from_db()
    assert stuck.status == NominationStatus.WITHDRAWN
    assert enrollment.status == EnrollmentStatus.WITHDRAWN
    course.refresh_from_db()
    assert course.enrolled_count == 0 and _consistent(course)


def test_promote_waiting_skips_a_waiting_person_already_enrolled(
    course: Course, front: Any, women: Any, member: Any, owner_org: Any
) -> None:
    Course.objects.filter(pk=course.pk).update(capacity=2)
    guest = make_person(owner_org, "Phạm Văn Khách")
    services.enroll_directly(actor=member, course=course, person=guest)
    first, waiting = _nominated(course, front, 2)
    services.nomination_approve(actor=member, nomination=first)
    services.nomination_approve(actor=member, nomination=waiting)
    stuck = _also_waiting(course, guest, women)
    Course.objects.filter(pk=course.pk).update(capacity=3)
    later = _nominated(course, women, 1, "Trần Thị")[0]
    # Approving anyone first promotes the waiting list: it must not stop at the stuck one.
    later = services.nomination_approve(actor=member, nomination=later)
    stuck.refresh_from_db()
    waiting.refresh_from_db()
    assert stuck.status == NominationStatus.WITHDRAWN
    assert waiting.status == NominationStatus.APPROVED
    assert later.status == NominationStatus.WAITLISTED
    course.refresh_from_db()
    assert course.enrolled_count == 3 and _consistent(course)


# --- withdrawals only while the class takes people ------------------------------------


def _with_one_trainee(course: Course, front: Any, member: Any) -> tuple[Nomination, Nomination]:
    """One approved trainee, one waiting (capacity 1)."""
    Course.objects.filter(pk=course.pk).update(capacity=1)
    approved, waiting = _nominated(course, front, 2)
    services.nomination_approve(actor=member, nomination=approved)
    services.nomination_approve(actor=member, nomination=waiting)
    return approved, waiting


@pytest.mark.parametrize(
    "status", [CourseStatus.COMPLETED, CourseStatus.REPORTED, CourseStatus.CANCELLED]
)
def test_no_withdrawal_from_a_finished_class(
    course: Course, front: Any, focal: Any, member: Any, status: str
) -> None:
    approved, waiting = _with_one_trainee(course, front, member)
    Course.objects.filter(pk=course.pk).update(status=status, cancel_reason="Hoãn")
    enrollment = Enrollment.objects.get(nomination=approved)
    with pytest.raises(ValidationError, match="không thể rút học viên khỏi lớp"):
        services.enrollment_withdraw(actor=member, enrollment=enrollment, reason="Ốm")
    for actor in (focal, member):
        with pytest.raises(ValidationError, match="không thể rút học viên khỏi lớp"):
            services.nomination_withdraw(actor=actor, nomination=approved, reason="Ốm")
    approved.refresh_from_db()
    waiting.refresh_from_db()
    enrollment.refresh_from_db()
    assert approved.status == NominationStatus.APPROVED
    assert waiting.status == NominationStatus.WAITLISTED
    assert enrollment.status == EnrollmentStatus.ENROLLED
    course.refresh_from_db()
    assert course.enrolled_count == 1 and _consistent(course)


def test_focal_point_withdraws_a_trainee_only_while_nominating(
    course: Course, front: Any, focal: Any, member: Any
) -> None:
    approved, waiting = _with_one_trainee(course, front, member)
    Course.objects.filter(pk=course.pk).update(status=CourseStatus.RUNNING)
    with pytest.raises(ValidationError, match="liên hệ cơ quan tổ chức lớp"):
        services.nomination_withdraw(actor=focal, nomination=approved, reason="Ốm")
    approved.refresh_from_db()
    assert approved.status == NominationStatus.APPROVED
    # The committee may, while the class runs: the first waiting takes the place.
    services.nomination_withdraw(actor=member, nomination=approved, reason="Ốm")
    approved.refresh_from_db()
    waiting.refresh_from_db()
    assert approved.status == NominationStatus.WITHDRAWN
    assert waiting.status == NominationStatus.APPROVED


def test_focal_point_withdraws_a_trainee_only_before_the_deadline(
    course: Course, front: Any, focal: Any, member: Any
) -> None:
    approved, waiting = _with_one_trainee(course, front, member)
    submitted = _nominated(course, front, 1, "Lê Văn")[0]
    deadline = timezone.now() - datetime.timedelta(hours=1)
    Course.objects.filter(pk=course.pk).update(nomination_deadline=deadline)
    with pytest.raises(ValidationError, match="Đã hết hạn cử học viên"):
        services.nomination_withdraw(actor=focal, nomination=approved, reason="Ốm")
    approved.refresh_from_db()
    assert approved.status == NominationStatus.APPROVED
    # Taking back someone not yet in the class frees no place: still allowed.
    services.nomination_withdraw(actor=focal, nomination=submitted)
    submitted.refresh_from_db()
    assert submitted.status == NominationStatus.WITHDRAWN
    services.nomination_withdraw(actor=member, nomination=approved, reason="Ốm")
    waiting.refresh_from_db()
    assert waiting.status == NominationStatus.APPROVED
    assert (
        services.may_withdraw_approved(Course.objects.get(pk=course.pk), committee=False) is False
    )
