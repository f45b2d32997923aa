from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction

from core.roles import Role
from courses import services
from courses.models import Course, CourseStatus, Session, SessionLecturer
from geo.models import AdminUnit
from tests.course_helpers import D, make_course, make_lecturer, make_topic
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _session(course: Course, day: datetime.date, half: str = "morning", **extra: Any) -> Session:
    return services.session_create(
        actor=None,
        course=course,
        date=day,
        half_day=half,
        kind=extra.pop("kind", "lecture"),
        **extra,
    )


def test_create_sets_level_from_owner_and_logs_draft(owner_org: Any) -> None:
    course = make_course(owner_org)
    assert course.level == "district" and course.status == CourseStatus.DRAFT
    assert len(course.feed_token) == 43
    assert list(course.status_changes.values_list("to_status", flat=True)) == ["draft"]


def test_create_outside_territory_is_refused(outsider: Any, owner_org: Any) -> None:
    data = services.CourseData(
        kind="training",
        title="X",
        owner=owner_org,
        start_date=D(2022, 1, 1),
        end_date=D(2022, 1, 2),
    )
    with pytest.raises(PermissionDenied):
        services.course_create(actor=outsider, data=data)
    assert not Course.objects.exists()


def test_end_before_start_is_refused(owner_org: Any) -> None:
    with pytest.raises(ValidationError):
        make_course(owner_org, start=D(2022, 5, 25), days=0)


def test_workflow_and_history(owner: Any, member: Any, owner_org: Any) -> None:
    course = make_course(owner_org)
    with pytest.raises(PermissionDenied):  # staff cannot approve
        services.course_transition(actor=member, course=course, to_status="approved")
    services.course_transition(actor=owner, course=course, to_status="approved")
    with pytest.raises(ValidationError):  # approved -> completed skips running
        services.course_transition(actor=owner, course=course, to_status="completed")
    with pytest.raises(ValidationError) as excinfo:
        services.course_transition(actor=member, course=course, to_status="cancelled")
    assert "lý do" in str(excinfo.value)
    services.course_transition(
        actor=member, course=course, to_status="cancelled", reason="Trùng lịch hội nghị tỉnh"
    )
    course.refresh_from_db()
    assert course.status == "cancelled" and course.cancel_reason == "Trùng lịch hội nghị tỉnh"
    history = list(course.status_changes.values_list("from_status", "to_status", "changed_by"))
    assert history == [
        ("", "draft", None),
        ("draft", "approved", owner.pk),
        ("approved", "cancelled", member.pk),
    ]


def test_session_outside_class_dates(owner_org: Any) -> None:
    course = make_course(owner_org, start=D(2022, 5, 25), days=3)
    with pytest.raises(ValidationError) as excinfo:
        _session(course, D(2022, 5, 28), topic=make_topic(owner_org))
    assert "28/05/2022 nằm ngoài thời gian của lớp (25/05/2022 – 27/05/2022)" in str(excinfo.value)


def test_end_time_before_start_time(owner_org: Any) -> None:
    course = make_course(owner_org)
    with pytest.raises(ValidationError) as excinfo:
        _session(
            course,
            D(2022, 5, 25),
            kind="opening",
            start_time=datetime.time(10, 0),
            end_time=datetime.time(9, 0),
        )
    assert "Giờ kết thúc phải sau giờ bắt đầu" in str(excinfo.value)


@pytest.mark.parametrize(
    ("half_day", "start"),
    [("afternoon", datetime.time(22, 0)), ("morning", datetime.time(14, 0))],
)
def test_start_time_must_fit_the_half_day(
    owner_org: Any, half_day: str, start: datetime.time
) -> None:
    course = make_course(owner_org)
    with pytest.raises(ValidationError, match="không thuộc buổi"):
        _session(course, D(2022, 5, 25), half_day, kind="opening", start_time=start)
    assert not Session.objects.exists()
    evening = _session(
        course, D(2022, 5, 25), "evening", kind="closing", start_time=datetime.time(19)
    )
    assert evening.half_day == "evening"


def test_lecturer_cannot_be_in_two_places(owner_org: Any, outsider_org: Any) -> None:
    lecturer = make_lecturer(owner_org)
    topic = make_topic(owner_org)
    first = make_course(owner_org, title="Lớp Bù Đăng")
    second = make_course(outsider_org, title="Lớp Lộc Ninh")
    _session(first, D(2022, 5, 25), topic=topic, lecturers=[lecturer])
    with pytest.raises(ValidationError) as excinfo:
        _session(second, D(2022, 5, 25), topic=topic, lecturers=[lecturer])
    message = str(excinfo.value)
    assert "TS. Nguyễn Văn Hùng đã giảng buổi" in message and "Lớp Bù Đăng" in message
    # The afternoon is free; consecutive hours of one morning are too.
    _session(second, D(2022, 5, 25), "afternoon", topic=topic, lecturers=[lecturer])
    _session(
        first,
        D(2022, 5, 26),
        topic=topic,
        lecturers=[lecturer],
        start_time=datetime.time(7, 30),
        end_time=datetime.time(9, 30),
    )
    _session(
        first,
        D(2022, 5, 26),
        topic=topic,
        lecturers=[lecturer],
        start_time=datetime.time(9, 45),
        end_time=datetime.time(11, 30),
    )
    assert SessionLecturer.objects.filter(lecturer=lecturer).count() == 4


def test_room_cannot_hold_two_sessions(owner_org: Any) -> None:
    course = make_course(owner_org)
    other = make_course(owner_org, title="Lớp khác")
    _session(course, D(2022, 5, 25), kind="opening", room="Phòng 1")
    with pytest.raises(ValidationError) as excinfo:
        _session(other, D(2022, 5, 25), kind="opening", room="phòng 1 ")
    assert "Phòng “Phòng 1” đã có buổi" in str(excinfo.value)
    _session(other, D(2022, 5, 25), kind="opening", room="Phòng 2")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="exclusion constraints")
def test_database_refuses_overlap_even_without_the_service(owner_org: Any) -> None:
    lecturer = make_lecturer(owner_org)
    course = make_course(owner_org)
    a = _session(
        course,
        D(2022, 5, 25),
        kind="opening",
        start_time=datetime.time(8, 0),
        end_time=datetime.time(10, 0),
    )
    b = _session(course, D(2022, 5, 26), kind="opening")
    SessionLecturer.objects.create(
        session=a, lecturer=lecturer, starts_at=a.starts_at, ends_at=a.ends_at
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        SessionLecturer.objects.create(
            session=b,
            lecturer=lecturer,
            starts_at=a.starts_at + datetime.timedelta(hours=1),
            ends_at=a.ends_at + datetime.timedelta(hours=1),
        )


def test_clone_shifts_dates_and_copies_programme(owner: Any, owner_org: Any) -> None:
    course = make_course(owner_org, start=D(2022, 5, 25))
    lecturer = make_lecturer(owner_org)
    _session(course, D(2022, 5, 26), topic=make_topic(owner_org), lecturers=[lecturer], room="P1")
    services.guest_add(
        actor=None,
        course=course,
        full_name="Trần Văn A",
        title="Bí thư Huyện ủy",
        gives_opening_speech=True,
    )
    services.course_transition(actor=owner, course=course, to_status="approved")
    copy = services.course_clone(actor=owner, course=course, start_date=D(2023, 5, 24))
    assert copy.status == "draft" and copy.source == course
    assert (copy.start_date, copy.end_date) == (D(2023, 5, 24), D(2023, 5, 26))
    session = copy.sessions.get()
    assert session.date == D(2023, 5, 25) and list(session.lecturers.all()) == [lecturer]
    assert copy.guests.get().gives_opening_speech


def test_cluster_of_eleven_districts_into_five_classes(binh_phuoc: AdminUnit) -> None:
    province = OrganizationFactory(name="Ban Dân vận Tỉnh ủy Bình Phước", territory=binh_phuoc)
    staff = UserFactory(organization=province, roles=[Role.COMMITTEE_STAFF])
    districts = list(binh_phuoc.children.order_by("sort_key"))
    assert len(districts) == 11
    groups = [districts[0:3], districts[3:5], districts[5:7], districts[7:9], districts[9:11]]
    template = services.CourseData(
        kind="training",
        title="Lớp bồi dưỡng tổ trưởng tổ dân vận",
        owner=province,
        start_date=D(2017, 6, 1),
        end_date=D(2017, 6, 2),
        capacity=190,
    )
    parts = [
        services.ClusterPart(
            venue="Hội trường",
            venue_unit=g[0],
            catchment_units=g,
            start_date=D(2017, 6, i),
            end_date=D(2017, 6, i + 1),
        )
        for i, g in enumerate(groups, start=1)
    ]
    courses = services.cluster_create(
        actor=staff, template=template, cluster_title="Cụm lớp 2017", parts=parts
    )
    assert len(courses) == 5
    assert {c.cluster_id for c in courses} == {courses[0].cluster_id}
    covered = [u for c in courses for u in c.catchment_units.all()]
    assert sorted(u.pk for u in covered) == sorted(d.pk for d in districts)
    assert "(cụm 1:" in courses[0].title
    duplicate = [
        *parts[:4],
        services.ClusterPart(
            venue="",
            venue_unit=None,
            catchment_units=groups[0],
            start_date=D(2017, 6, 9),
            end_date=D(2017, 6, 9),
        ),
    ]
    with pytest.raises(ValidationError):
        services.cluster_create(actor=staff, template=template, cluster_title="X", parts=duplicate)
    assert Course.objects.count() == 5


def test_only_one_opening_speech(owner_org: Any) -> None:
    course = make_course(owner_org)
    services.guest_add(
        actor=None, course=course, full_name="A", title="Bí thư", gives_opening_speech=True
    )
    with pytest.raises(ValidationError):
        services.guest_add(
            actor=None, course=course, full_name="B", title="Phó Bí thư", gives_opening_speech=True
        )


def test_update_refuses_dates_that_strand_sessions(owner: Any, owner_org: Any) -> None:
    course = make_course(owner_org, start=D(2022, 5, 25), days=3)
    _session(course, D(2022, 5, 27), kind="closing")
    data = services.CourseData(
        kind=course.kind,
        title=course.title,
        owner=owner_org,
        start_date=D(2022, 5, 25),
        end_date=D(2022, 5, 26),
    )
    with pytest.raises(ValidationError) as excinfo:
        services.course_update(actor=owner, course=course, data=data)
    assert "nằm ngoài thời gian mới" in str(excinfo.value)
    course.refresh_from_db()
    assert course.end_date == D(2022, 5, 27)


def test_clash_with_another_territory_does_not_name_its_class(
    owner_org: Any, outsider_org: Any, outsider: Any
) -> None:
    lecturer = make_lecturer(owner_org)
    topic = make_topic(owner_org)
    _session(
        make_course(owner_org, title="Lớp bí mật Bù Đăng"),
        D(2022, 5, 25),
        topic=topic,
        lecturers=[lecturer],
    )
    theirs = make_course(outsider_org, title="Lớp Lộc Ninh")
    with pytest.raises(ValidationError) as excinfo:
        services.session_create(
            actor=outsider,
            course=theirs,
            date=D(2022, 5, 25),
            half_day="morning",
            kind="lecture",
            topic=topic,
            lecturers=[lecturer],
        )
    message = str(excinfo.value)
    assert "đã có lịch giảng ở đơn vị khác lúc 07:30 25/05/2022" in message
    assert "Bù Đăng" not in message


def test_units_outside_the_organiser_are_refused(owner_org: Any, loc_ninh: AdminUnit) -> None:
    with pytest.raises(ValidationError) as excinfo:
        make_course(owner_org, catchment_units=[loc_ninh])
    assert "Ngoài địa bàn của đơn vị tổ chức: Huyện Lộc Ninh" in str(excinfo.value)
    assert not Course.objects.exists()


def test_same_room_name_in_two_districts_is_two_rooms(
    owner_org: Any, outsider_org: Any, bu_dang: AdminUnit, loc_ninh: AdminUnit
) -> None:
    ours = make_course(owner_org, venue="Hội trường Huyện ủy", venue_unit=bu_dang)
    theirs = make_course(outsider_org, venue="Hội trường Huyện ủy", venue_unit=loc_ninh)
    _session(ours, D(2022, 5, 25), kind="opening", room="P1")
    _session(theirs, D(2022, 5, 25), kind="opening", room="P1")


def test_a_cancelled_class_frees_its_lecturer_and_room(owner: Any, owner_org: Any) -> None:
    lecturer = make_lecturer(owner_org)
    topic = make_topic(owner_org)
    first = make_course(owner_org, title="Lớp bị huỷ", venue="Hội trường")
    _session(first, D(2022, 5, 25), topic=topic, lecturers=[lecturer], room="P1")
    services.course_transition(actor=owner, course=first, to_status="cancelled", reason="Bão")
    second = make_course(owner_org, title="Lớp thay thế", venue="Hội trường")
    _session(second, D(2022, 5, 25), topic=topic, lecturers=[lecturer], room="P1")
    # Reopening the first class would put the lecturer in two places: refused.
    with pytest.raises(ValidationError) as excinfo:
        services.course_transition(actor=owner, course=first, to_status="draft")
    assert "Không mở lại được lớp" in str(excinfo.value)
    first.refresh_from_db()
    assert first.status == "cancelled"
    services.course_transition(actor=owner, course=second, to_status="cancelled", reason="Đổi")
    services.course_transition(actor=owner, course=first, to_status="draft")
    assert first.sessions.get().is_booked
