from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import User
from core.roles import Role
from courses import services
from courses.models import Course, Session, Topic
from tests.conftest import client_for
from tests.course_helpers import D, make_course, make_lecturer, make_topic
from tests.factories import UserFactory
from tests.test_assessment_fixtures import PDF

pytestmark = pytest.mark.django_db


def _with_programme(owner_org: Any, n_sessions: int = 6) -> Course:
    course = make_course(owner_org, days=3)
    lecturer = make_lecturer(owner_org)
    for i in range(n_sessions):
        services.session_create(
            actor=None,
            course=course,
            date=D(2022, 5, 25 + i // 2),
            half_day="morning" if i % 2 == 0 else "afternoon",
            kind="lecture",
            topic=make_topic(owner_org, f"Chuyên đề {i + 1}"),
            lecturers=[lecturer],
        )
    services.guest_add(
        actor=None,
        course=course,
        full_name="Trần Văn A",
        title="Bí thư Huyện ủy",
        gives_opening_speech=True,
    )
    return course


def test_list_search_filters_and_scope(member: Any, owner_org: Any, outsider_org: Any) -> None:
    mine = make_course(owner_org, title="Lớp bồi dưỡng Dân vận khéo")
    make_course(owner_org, title="Hội nghị tập huấn", start=D(2021, 3, 1))
    theirs = make_course(outsider_org, title="Lớp của Lộc Ninh")
    client = client_for(member)
    body = client.get(reverse("courses:course_list"), {"q": "dan van kheo"}).content.decode()
    assert mine.title in body and "Hội nghị tập huấn" not in body
    body = client.get(reverse("courses:course_list"), {"year": "2021"}).content.decode()
    assert "Hội nghị tập huấn" in body and mine.title not in body
    assert theirs.title not in client.get(reverse("courses:course_list")).content.decode()
    # Bad filter values are ignored, not fatal.
    assert (
        client.get(reverse("courses:course_list"), {"year": "abc", "owner": "x"}).status_code == 200
    )


def test_list_query_count_is_constant(
    member: Any, owner_org: Any, django_assert_max_num_queries: Any
) -> None:
    for i in range(30):
        make_course(owner_org, title=f"Lớp {i}", start=D(2022, 1, 1) + datetime.timedelta(days=i))
    client = client_for(member)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("courses:course_list"))
    assert len(response.context["page"]) == 30


def test_detail_query_count_is_constant(
    member: Any, owner_org: Any, django_assert_max_num_queries: Any
) -> None:
    course = _with_programme(owner_org, n_sessions=6)
    client = client_for(member)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("courses:course_detail", args=[course.pk]))
    body = response.content.decode()
    assert "Chuyên đề 6" in body and "TS. Nguyễn Văn Hùng" in body and "Bí thư Huyện ủy" in body


def test_lecturer_sees_only_own_classes(owner_org: Any) -> None:
    course = _with_programme(owner_org, n_sessions=1)
    other = make_course(owner_org, title="Lớp không giảng")
    account = UserFactory(organization=owner_org, roles=[Role.LECTURER])
    lecturer = course.sessions.get().lecturers.get()
    lecturer.user_id = account.pk
    lecturer.save(update_fields=["user"])
    client = client_for(account)
    assert client.get(reverse("courses:course_detail", args=[course.pk])).status_code == 200
    assert client.get(reverse("courses:course_detail", args=[other.pk])).status_code == 404
    body = client.get(reverse("courses:course_list")).content.decode()
    assert course.title in body and other.title not in body
    assert client.get(reverse("courses:course_edit", args=[course.pk])).status_code == 403


def test_create_course_through_the_page(member: Any, owner_org: Any) -> None:
    response = client_for(member).post(
        reverse("courses:course_create"),
        {
            "kind": "training",
            "title": "Lớp bồi dưỡng năm 2022",
            "owner": owner_org.pk,
            "start_date": "25/05/2022",
            "end_date": "27/05/2022",
            "capacity": 59,
            "venue": "Hội trường",
        },
    )
    assert response.status_code == 302
    assert Course.objects.get().days == 3


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("27/05/2022", "25/05/2022", "Ngày kết thúc phải từ ngày bắt đầu"),
        ("31/04/2022", "01/05/2022", "Nhập một ngày hợp lệ"),
    ],
)
def test_create_course_bad_dates(
    member: Any, owner_org: Any, start: str, end: str, message: str
) -> None:
    response = client_for(member).post(
        reverse("courses:course_create"),
        {
            "kind": "training",
            "title": "X",
            "owner": owner_org.pk,
            "start_date": start,
            "end_date": end,
            "capacity": 1,
        },
    )
    assert message in response.content.decode()
    assert not Course.objects.exists()


def test_session_page_reports_lecturer_clash(member: Any, owner_org: Any) -> None:
    course = _with_programme(owner_org, n_sessions=1)
    other = make_course(owner_org, title="Lớp thứ hai")
    lecturer = course.sessions.get().lecturers.get()
    topic = Topic.objects.first()
    response = client_for(member).post(
        reverse("courses:session_create", args=[other.pk]),
        {
            "date": "25/05/2022",
            "half_day": "morning",
            "kind": "lecture",
            "topic": topic.pk,
            "lecturers": [lecturer.pk],
        },
    )
    assert response.status_code == 200
    assert "đã giảng buổi" in response.content.decode()
    assert not other.sessions.exists()


def test_transition_clone_and_cluster_pages(owner: Any, owner_org: Any, bu_dang: Any) -> None:
    course = _with_programme(owner_org, n_sessions=2)
    client = client_for(owner)
    client.post(reverse("courses:course_transition", args=[course.pk]), {"to_status": "approved"})
    course.refresh_from_db()
    assert course.status == "approved"
    response = client.post(
        reverse("courses:course_clone", args=[course.pk]), {"start_date": "24/05/2023"}
    )
    copy = Course.objects.exclude(pk=course.pk).get()
    assert response.status_code == 302 and copy.sessions.count() == 2
    communes = list(bu_dang.children.order_by("sort_key")[:4])
    data = {
        "kind": "training",
        "title": "Lớp cụm",
        "owner": owner_org.pk,
        "start_date": "01/06/2022",
        "end_date": "02/06/2022",
        "capacity": 50,
        "count": 2,
        "venue_1": "Hội trường xã",
        "venue_unit_1": communes[0].pk,
        "venue_2": "Nhà văn hoá",
        "start_2": "03/06/2022",
        "end_2": "04/06/2022",
    }
    data |= {f"unit_{c.pk}": 1 + i % 2 for i, c in enumerate(communes)}
    response = client.post(reverse("courses:cluster_create"), data)
    assert response.status_code == 302
    cluster = Course.objects.filter(cluster__isnull=False)
    assert cluster.count() == 2
    assert sorted(cluster.values_list("start_date", flat=True)) == [D(2022, 6, 1), D(2022, 6, 3)]


def test_topic_search_without_accents_and_material_checks(member: Any, owner_org: Any) -> None:
    topic = make_topic(owner_org, "Xây dựng và thực hiện quy chế dân chủ ở cơ sở")
    client = client_for(member)
    assert (
        topic.title
        in client.get(reverse("courses:topic_list"), {"q": "quy che dan chu"}).content.decode()
    )
    exe = SimpleUploadedFile("tai-lieu.pdf", b"MZ\x90\x00\x03 not a pdf")
    response = client.post(
        reverse("courses:material_upload", args=[topic.pk]),
        {"title": "Tài liệu", "file": exe},
        follow=True,
    )
    assert "không phải tài liệu" in response.content.decode()
    assert not topic.materials.exists()
    pdf = SimpleUploadedFile("tai-lieu.pdf", PDF)
    client.post(
        reverse("courses:material_upload", args=[topic.pk]), {"title": "Tài liệu", "file": pdf}
    )
    material = topic.materials.get()
    assert client.get(reverse("courses:material_download", args=[material.pk])).status_code == 200


def test_lecturer_page_lists_history(member: Any, owner_org: Any) -> None:
    course = _with_programme(owner_org, n_sessions=3)
    lecturer = course.sessions.first().lecturers.get()
    response = client_for(member).get(reverse("courses:lecturer_detail", args=[lecturer.pk]))
    assert response.status_code == 200
    assert len(response.context["sessions"]) == 3


def test_outsider_sees_shared_catalogue_but_not_classes(outsider: Any, owner_org: Any) -> None:
    course = _with_programme(owner_org, n_sessions=1)
    topic = Topic.objects.first()
    client = client_for(outsider)
    assert client.get(reverse("courses:topic_detail", args=[topic.pk])).status_code == 200
    assert client.get(reverse("courses:topic_edit", args=[topic.pk])).status_code == 403
    assert client.get(reverse("courses:course_detail", args=[course.pk])).status_code == 404
    session = Session.objects.first()
    assert client.post(reverse("courses:session_delete", args=[session.pk])).status_code == 404
    assert Session.objects.filter(pk=session.pk).exists()
    assert isinstance(outsider, User)


def test_unit_filter_finds_classes_held_in_or_training_a_unit(
    member: Any, owner_org: Any, bu_dang: Any
) -> None:
    communes = list(bu_dang.children.order_by("sort_key")[:2])
    held_there = make_course(owner_org, title="Lớp tại xã", venue_unit=communes[0])
    for_there = make_course(owner_org, title="Lớp cho xã", catchment_units=[communes[1]])
    make_course(owner_org, title="Lớp khác")
    client = client_for(member)
    body = client.get(reverse("courses:course_list"), {"unit": communes[0].pk}).content.decode()
    assert held_there.title in body and "Lớp khác" not in body
    body = client.get(reverse("courses:course_list"), {"unit": communes[1].pk}).content.decode()
    assert for_there.title in body and held_there.title not in body
    page = client.get(reverse("courses:course_list")).content.decode()
    assert communes[0].name in page  # the drop-down offers the district's communes


def test_filter_drop_downs_fill_from_a_search(member: Any, owner_org: Any) -> None:
    _with_programme(owner_org, n_sessions=2)
    client = client_for(member)
    body = client.get(reverse("courses:topic_options"), {"q": "chuyen de 2"}).content.decode()
    assert "Chuyên đề 2" in body and "Chuyên đề 1" not in body
    body = client.get(reverse("courses:lecturer_options"), {"q": "hung"}).content.decode()
    assert "TS. Nguyễn Văn Hùng" in body
    # The list page itself no longer renders every topic and lecturer.
    page = client.get(reverse("courses:course_list")).content.decode()
    assert "Chuyên đề 2" not in page
    lecturer = Session.objects.first().lecturers.get()
    page = client.get(reverse("courses:course_list"), {"lecturer": lecturer.pk}).content.decode()
    assert f'<option value="{lecturer.pk}" selected>TS. Nguyễn Văn Hùng</option>' in page


def test_district_edit_keeps_the_provinces_plan_and_partners(
    member: Any, owner_org: Any, province_org: Any
) -> None:
    from planning.services import plan_create

    plan = plan_create(
        actor=None,
        issuer=province_org,
        number="15",
        symbol="KH/BDVTU",
        year=2022,
        issue_date=D(2022, 1, 5),
        title="Kế hoạch của tỉnh",
    )
    course = make_course(owner_org, plan=plan, co_organizers=[province_org])
    response = client_for(member).post(
        reverse("courses:course_edit", args=[course.pk]),
        {
            "kind": "training",
            "title": "Tên mới",
            "owner": owner_org.pk,
            "plan": plan.pk,
            "co_organizers": [province_org.pk],
            "start_date": "25/05/2022",
            "end_date": "27/05/2022",
            "capacity": 59,
        },
    )
    assert response.status_code == 302
    course.refresh_from_db()
    assert course.title == "Tên mới" and course.plan == plan
    assert list(course.co_organizers.all()) == [province_org]


@pytest.mark.parametrize("value", ["²", "١٢", "99999999999999999999"])
def test_odd_digits_are_not_a_crash(member: Any, value: str) -> None:
    client = client_for(member)
    assert client.get(reverse("courses:course_create"), {"plan": value}).status_code == 200
    assert (
        client.get(reverse("courses:cluster_create"), {"owner": value, "count": value}).status_code
        == 200
    )
    assert client.get(reverse("planning:plan_list"), {"year": value}).status_code == 200


def test_staff_asking_for_approval_gets_a_message(member: Any, owner_org: Any) -> None:
    course = make_course(owner_org)
    response = client_for(member).post(
        reverse("courses:course_transition", args=[course.pk]),
        {"to_status": "approved"},
        follow=True,
    )
    assert "Chỉ lãnh đạo Ban được duyệt lớp" in response.content.decode()
    course.refresh_from_db()
    assert course.status == "draft"


def test_feed_addresses_can_be_changed_when_leaked(
    member: Any, outsider: Any, owner_org: Any
) -> None:
    course = _with_programme(owner_org, n_sessions=1)
    old = course.feed_token
    client = client_for(member)
    assert client.post(reverse("courses:course_feed_reset", args=[course.pk])).status_code == 302
    course.refresh_from_db()
    assert course.feed_token != old and len(course.feed_token) == 43
    assert client.get(reverse("feeds:course_ics", args=[old])).status_code == 404
    assert client.get(reverse("feeds:course_ics", args=[course.feed_token])).status_code == 200
    lecturer = Session.objects.first().lecturers.get()
    old = lecturer.feed_token
    assert (
        client_for(outsider)
        .post(reverse("courses:lecturer_feed_reset", args=[lecturer.pk]))
        .status_code
        == 403
    )
    lecturer.refresh_from_db()
    assert lecturer.feed_token == old
    account = UserFactory(organization=owner_org, roles=[Role.LECTURER])
    lecturer.user_id = account.pk
    lecturer.save(update_fields=["user"])
    client_for(account).post(reverse("courses:lecturer_feed_reset", args=[lecturer.pk]))
    lecturer.refresh_from_db()
    assert lecturer.feed_token != old


def test_rows_written_in_python_escape_user_text(member: Any, owner_org: Any) -> None:
    """The class table, the programme and the month cells are built in courses/html.py."""
    evil = '<script>alert("x")</script>'
    course = make_course(owner_org, title=f"Lớp {evil}", venue=f"Hội trường {evil}")
    lecturer = make_lecturer(owner_org, name=f"Nguyễn {evil}")
    services.session_create(
        actor=None,
        course=course,
        date=course.start_date,
        half_day="morning",
        kind="discussion",
        title=f"Thảo luận {evil}",
        room=f"Phòng {evil}",
        lecturers=[lecturer],
    )
    client = client_for(member)
    month = course.start_date.strftime("%Y-%m")
    for url in (
        reverse("courses:course_list"),
        reverse("courses:course_detail", args=[course.pk]),
        f"{reverse('calendar:month')}?month={month}",
    ):
        body = client.get(url).content.decode()
        assert "<script>" not in body, url
        assert "&lt;script&gt;" in body, url
    body = client.get(reverse("courses:course_detail", args=[course.pk])).content.decode()
    assert "Thảo luận &lt;script&gt;" in body and "Phòng &lt;script&gt;" in body
    assert "Nguyễn &lt;script&gt;" in body


def test_course_links_keep_each_lists_order_and_names(
    member: Any, owner_org: Any, outsider_org: Any, province_org: Any, bu_dang: Any, dong_nai: Any
) -> None:
    """The class page reads co-organisers, audience and catchment in one UNION query."""
    from courses.selectors import course_links
    from people.models import TraineeCategory

    course = make_course(owner_org)
    course.co_organizers.set([province_org, outsider_org])
    course.audience.set(TraineeCategory.objects.all()[:3])
    course.catchment_units.set([bu_dang, bu_dang.parent, dong_nai])
    links = course_links(course)
    assert links.co_organizers == [str(o) for o in course.co_organizers.all()]
    assert links.audience == [str(c) for c in course.audience.all()]
    assert len(links.audience) == 3
    assert links.catchment == [str(u) for u in course.catchment_units.all()]
    assert any("(cũ)" in name for name in links.catchment)
    body = client_for(member).get(reverse("courses:course_detail", args=[course.pk]))
    assert ", ".join(links.audience) in body.content.decode()
    empty = course_links(make_course(owner_org, title="Lớp trống"))
    assert (empty.co_organizers, empty.audience, empty.catchment) == ([], [], [])


@pytest.mark.parametrize("typed", ["01/01/0001", "31/12/9999", "01/01/1899"])
def test_out_of_range_years_are_refused_by_name(owner: Any, owner_org: Any, typed: str) -> None:
    """Year 1 or 9999 is a typo: a message on the field, not an overflow (500)."""
    course = _with_programme(owner_org, n_sessions=2)
    client = client_for(owner)
    clone = client.post(reverse("courses:course_clone", args=[course.pk]), {"start_date": typed})
    assert "Năm phải từ 1900 đến 2100" in clone.content.decode()
    session = client.post(
        reverse("courses:session_create", args=[course.pk]),
        {"date": typed, "half_day": "morning", "kind": "lecture"},
    )
    assert "Năm phải từ 1900 đến 2100" in session.content.decode()
    assert Course.objects.count() == 1 and course.sessions.count() == 2


def test_oversized_ids_in_choices_are_refused(member: Any, owner_org: Any) -> None:
    huge = "9" * 20  # overflows a SQLite integer: was a 500
    response = client_for(member).post(
        reverse("courses:course_create"),
        {
            "kind": "training",
            "title": "Lớp thử",
            "owner": owner_org.pk,
            "start_date": "25/05/2022",
            "end_date": "27/05/2022",
            "capacity": 10,
            "co_organizers": [huge],
            "audience": [huge],
            "catchment_units": [huge],
        },
    )
    assert response.status_code == 200
    assert not Course.objects.exists()
    owner = client_for(member).post(
        reverse("courses:course_create"),
        {"kind": "training", "title": "X", "owner": huge, "start_date": "25/05/2022"},
    )
    assert owner.status_code == 200 and not Course.objects.exists()


def test_cancel_reason_is_bounded_and_cleaned(owner: Any, owner_org: Any) -> None:
    course = make_course(owner_org)
    client = client_for(owner)
    url = reverse("courses:course_transition", args=[course.pk])
    client.post(url, {"to_status": "cancelled", "reason": "x" * 1001})
    course.refresh_from_db()
    assert course.status != "cancelled"
    refused = client.post(url, {"to_status": "cancelled", "reason": "Bão\x00 lớn"}, follow=True)
    course.refresh_from_db()
    assert course.status == "draft" and "Lý do / ghi chú:" in refused.content.decode()
    client.post(url, {"to_status": "cancelled", "reason": "  Bão lớn\r\n  "})
    course.refresh_from_db()
    assert course.status == "cancelled" and course.cancel_reason == "Bão lớn"
