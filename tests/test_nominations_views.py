# ruff: noqa: F811 - the fixtures imported from test_nominations_fixtures are parameters here
from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook  # type: ignore[import-untyped]

from core.roles import Role
from courses.models import Course, CourseStatus
from nominations import services
from nominations.models import Enrollment, Nomination, NominationEvent, Quota
from people.models import Person
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.test_nominations_fixtures import (  # noqa: F401 - fixtures
    course,
    focal,
    front,
    make_person,
    nominating_course,
    people_of,
    trainee,
    women,
    women_focal,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _nominated(course: Course, unit: Any, n: int, prefix: str = "Nguyễn Văn") -> list[Nomination]:
    return [
        services.nominate(actor=None, course=course, unit=unit, person=p)
        for p in people_of(unit, n, prefix)
    ]


def _url(name: str, **kwargs: Any) -> str:
    return reverse(f"nominations:{name}", kwargs=kwargs)


# --- the committee's page -------------------------------------------------------------


def test_committee_page_lists_everything_in_constant_queries(
    member: Any, course: Course, front: Any, women: Any, django_assert_max_num_queries: Any
) -> None:
    Course.objects.filter(pk=course.pk).update(capacity=3)
    nominations = _nominated(course, front, 3) + _nominated(course, women, 2, "Trần Thị")
    for n in nominations[:4]:
        services.nomination_approve(actor=None, nomination=n)
    services.enrollment_withdraw(
        actor=None, enrollment=Enrollment.objects.get(nomination=nominations[0]), reason="Ốm"
    )
    client = client_for(member)
    with django_assert_max_num_queries(20):
        response = client.get(_url("course", course_pk=course.pk))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Ủy ban MTTQ Việt Nam huyện Bù Đăng" in body and "3 / 3" in body
    assert "Đã tự động chuyển Trần Thị Học Viên1" in body
    assert "Trần Thị Học Viên2" in body  # still waiting to be decided
    # The same page with many more rows issues no more queries.
    Quota.objects.filter(course=course).update(places=30)
    Course.objects.filter(pk=course.pk).update(capacity=100)
    more = _nominated(course, front, 20, "Phạm Văn")
    for n in more[:10]:
        services.nomination_approve(actor=None, nomination=n)
    with django_assert_max_num_queries(20):
        assert client.get(_url("course", course_pk=course.pk)).status_code == 200


def test_scope_of_the_pages(outsider: Any, trainee: Any, focal: Any, women_focal: Any,
                            course: Course, front: Any, member: Any) -> None:  # fmt: skip
    nomination = _nominated(course, front, 1)[0]
    services.nomination_approve(actor=None, nomination=nomination)
    enrollment = Enrollment.objects.get()
    quota = Quota.objects.get(course=course, unit=front)
    gets = [
        _url("course", course_pk=course.pk),
        _url("quota_create", course_pk=course.pk),
        _url("quota_edit", quota_pk=quota.pk),
        _url("trainees_xlsx", course_pk=course.pk),
        _url("person_options", course_pk=course.pk),
    ]
    posts = [
        _url("approve", nomination_pk=nomination.pk),
        _url("reject", nomination_pk=nomination.pk),
        _url("withdraw", nomination_pk=nomination.pk),
        _url("enrollment_withdraw", enrollment_pk=enrollment.pk),
        _url("quota_delete", quota_pk=quota.pk),
        _url("enroll", course_pk=course.pk),
    ]
    outsider_client = client_for(outsider)
    for url in gets:
        assert outsider_client.get(url).status_code == 404, url
    for url in posts:
        assert outsider_client.post(url, {"reason": "x"}).status_code == 404, url
    trainee_client = client_for(trainee)
    for url in [*gets, _url("my_courses"), _url("nominate", course_pk=course.pk)]:
        assert trainee_client.get(url).status_code == 403, url
    for url in posts:
        assert trainee_client.post(url, {"reason": "x"}).status_code == 403, url
    # Focal points never reach the committee's page or its decisions.
    focal_client = client_for(focal)
    assert focal_client.get(_url("course", course_pk=course.pk)).status_code == 403
    assert focal_client.post(_url("approve", nomination_pk=nomination.pk)).status_code == 403
    # Another unit's focal point neither sees nor withdraws the Front's nomination.
    women_client = client_for(women_focal)
    page = women_client.get(_url("nominate", course_pk=course.pk)).content.decode()
    assert nomination.person.full_name not in page
    response = women_client.post(_url("withdraw", nomination_pk=nomination.pk))
    assert response.status_code == 404
    nomination.refresh_from_db()
    assert nomination.status == "approved"
    assert Enrollment.objects.get().status == "enrolled"


def test_approve_and_waitlist_with_htmx(member: Any, course: Course, front: Any) -> None:
    Course.objects.filter(pk=course.pk).update(capacity=1)
    first, second = _nominated(course, front, 2)
    client = client_for(member)
    response = client.post(_url("approve", nomination_pk=first.pk), **HTMX)
    body = response.content.decode()
    assert 'id="nomination-panel"' in body and "<html" not in body
    assert "Đã duyệt Nguyễn Văn Học Viên1 vào lớp." in body
    body = client.post(_url("approve", nomination_pk=second.pk), **HTMX).content.decode()
    assert "Lớp đã đủ chỗ: Nguyễn Văn Học Viên2 vào danh sách chờ, thứ tự 1." in body
    second.refresh_from_db()
    assert second.status == "waitlisted"
    # Without htmx: back to the page with the message.
    response = client.post(_url("approve", nomination_pk=first.pk))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Đề cử đang ở trạng thái “Đã duyệt”; không duyệt được." in page


def test_reject_needs_a_reason(member: Any, course: Course, front: Any) -> None:
    nomination = _nominated(course, front, 1)[0]
    client = client_for(member)
    body = client.post(
        _url("reject", nomination_pk=nomination.pk), {"reason": "  "}, **HTMX
    ).content.decode()
    assert "Không duyệt phải ghi rõ lý do." in body
    nomination.refresh_from_db()
    assert (
        nomination.status == "submitted"
        and not NominationEvent.objects.filter(kind="rejected").exists()
    )
    body = client.post(
        _url("reject", nomination_pk=nomination.pk), {"reason": "Không đúng đối tượng"}, **HTMX
    ).content.decode()
    assert "Đã ghi không duyệt" in body
    nomination.refresh_from_db()
    assert nomination.status == "rejected" and nomination.reason == "Không đúng đối tượng"


def test_withdraw_enrollment_needs_a_reason_and_promotes(member: Any, course: Course,
                                                          front: Any) -> None:  # fmt: skip
    Course.objects.filter(pk=course.pk).update(capacity=1)
    first, second = _nominated(course, front, 2)
    services.nomination_approve(actor=None, nomination=first)
    services.nomination_approve(actor=None, nomination=second)
    enrollment = Enrollment.objects.get()
    client = client_for(member)
    url = _url("enrollment_withdraw", enrollment_pk=enrollment.pk)
    body = client.post(url, {"reason": ""}, **HTMX).content.decode()
    assert "Rút học viên khỏi lớp phải ghi rõ lý do." in body
    assert Enrollment.objects.get(pk=enrollment.pk).status == "enrolled"
    body = client.post(url, {"reason": "Ốm"}, **HTMX).content.decode()
    assert "Nguyễn Văn Học Viên2 được tự động chuyển từ danh sách chờ vào lớp." in body
    second.refresh_from_db()
    assert second.status == "approved"


def test_quota_form(member: Any, course: Course, front: Any, owner_org: Any) -> None:
    client = client_for(member)
    quota = Quota.objects.get(course=course, unit=front)
    response = client.post(_url("quota_edit", quota_pk=quota.pk), {"places": "4", "note": ""})
    assert "vượt số học viên dự kiến của lớp (5)" in response.content.decode()
    assert Quota.objects.get(pk=quota.pk).places == 3
    response = client.post(_url("quota_edit", quota_pk=quota.pk), {"places": "1", "note": "ít"})
    assert response.status_code == 302
    assert Quota.objects.get(pk=quota.pk).places == 1
    response = client.post(
        _url("quota_create", course_pk=course.pk), {"unit": "999999", "places": "1"}
    )
    assert "Đơn vị không tồn tại hoặc ngoài phạm vi của bạn." in response.content.decode()
    data = {"unit": str(owner_org.pk), "places": "abc"}
    response = client.post(_url("quota_create", course_pk=course.pk), data)
    assert response.status_code == 200 and Quota.objects.count() == 2


def test_trainee_list_export(member: Any, course: Course, front: Any) -> None:
    nomination = services.nominate(
        actor=None,
        course=course,
        unit=front,
        person=make_person(front, "Nguyễn Văn An", position="=HYPERLINK(1)"),
    )
    services.nomination_approve(actor=None, nomination=nomination)
    response = client_for(member).get(_url("trainees_xlsx", course_pk=course.pk))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][1] == "Họ và tên" and rows[1][1] == "Nguyễn Văn An"
    assert rows[1][4] == "=HYPERLINK(1)" and sheet.cell(2, 5).data_type == "s"


# --- the focal point ------------------------------------------------------------------


def test_focal_point_sees_its_classes(focal: Any, province_org: Any, front: Any,
                                      women: Any) -> None:  # fmt: skip
    deadline = timezone.make_aware(datetime.datetime(2030, 6, 1, 17, 30))
    provincial = nominating_course(province_org, title="Lớp của Tỉnh ủy", deadline=deadline)
    services.quota_set(actor=None, course=provincial, unit=front, places=4)
    not_mine = nominating_course(province_org, title="Lớp không giao")
    services.quota_set(actor=None, course=not_mine, unit=women, places=2)
    client = client_for(focal)
    body = client.get(_url("my_courses")).content.decode()
    assert "Lớp của Tỉnh ủy" in body and "01/06/2030 17:30" in body
    assert "Lớp không giao" not in body
    assert client.get(reverse("courses:course_detail", args=[provincial.pk])).status_code == 200
    assert client.get(reverse("courses:course_detail", args=[not_mine.pk])).status_code == 404
    assert client.get(_url("nominate", course_pk=not_mine.pk)).status_code == 404


def test_focal_point_nominates(focal: Any, course: Course, front: Any,
                               django_assert_max_num_queries: Any) -> None:  # fmt: skip
    people = people_of(front, 3)
    client = client_for(focal)
    with django_assert_max_num_queries(15):
        page = client.get(_url("nominate", course_pk=course.pk))
    assert "Nguyễn Văn Học Viên1" in page.content.decode()
    options = client.get(_url("person_options", course_pk=course.pk), {"q": "hoc vien2"})
    assert "Nguyễn Văn Học Viên2" in options.content.decode()
    assert "Học Viên1" not in options.content.decode()
    response = client.post(_url("nominate", course_pk=course.pk), {"person": people[0].pk})
    assert response.status_code == 302
    assert Nomination.objects.filter(person=people[0], unit=front).exists()
    again = client.post(_url("nominate", course_pk=course.pk), {"person": people[0].pk})
    assert "Nguyễn Văn Học Viên1 đã được cử vào lớp này." in again.content.decode()
    assert Nomination.objects.count() == 1
    # Someone who is not the unit's: refused by the form.
    stranger = make_person(course.owner, "Người Ngoài Đơn Vị")
    response = client.post(_url("nominate", course_pk=course.pk), {"person": stranger.pk})
    assert "Người này không có trong hồ sơ bạn được xem." in response.content.decode()


def test_focal_point_after_the_deadline(focal: Any, course: Course, front: Any) -> None:
    deadline = timezone.make_aware(datetime.datetime(2022, 5, 20, 17, 0))
    Course.objects.filter(pk=course.pk).update(nomination_deadline=deadline)
    person = make_person(front, "Lê Văn Bình")
    client = client_for(focal)
    page = client.get(_url("nominate", course_pk=course.pk)).content.decode()
    assert "Đã hết hạn cử học viên." in page
    response = client.post(_url("nominate", course_pk=course.pk), {"person": person.pk})
    assert "Đã hết hạn cử học viên (hạn cuối: 20/05/2022 17:00)." in response.content.decode()
    assert not Nomination.objects.exists()


def test_focal_point_adds_a_new_person(focal: Any, course: Course, front: Any) -> None:
    client = client_for(focal)
    url = _url("nominate_new_person", course_pk=course.pk)
    assert client.get(url).status_code == 200
    response = client.post(url, {"full_name": "Hoa", "owner": front.pk})
    assert "Họ và tên phải có ít nhất họ và tên." in response.content.decode()
    assert not Person.objects.exists()
    response = client.post(
        url, {"full_name": "Đỗ Thị Hoa", "birth_year": "1980", "owner": front.pk, "note": "mới"}
    )
    assert response.status_code == 302
    nomination = Nomination.objects.get()
    assert nomination.person.full_name == "Đỗ Thị Hoa" and nomination.person.owner == front
    assert nomination.note == "mới"


def test_focal_point_withdraws_its_nomination(focal: Any, course: Course, front: Any) -> None:
    nomination = _nominated(course, front, 1)[0]
    response = client_for(focal).post(_url("withdraw", nomination_pk=nomination.pk))
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.status == "withdrawn"


def test_class_page_card(member: Any, focal: Any, course: Course, front: Any,
                         django_assert_max_num_queries: Any) -> None:  # fmt: skip
    _nominated(course, front, 2)
    body = client_for(member).get(reverse("courses:course_detail", args=[course.pk]))
    text = body.content.decode()
    assert "Chỉ tiêu và học viên" in text and "2 đơn vị được giao 5 chỉ tiêu" in text
    assert _url("course", course_pk=course.pk) in text
    text = client_for(focal).get(reverse("courses:course_detail", args=[course.pk])).content
    assert _url("nominate", course_pk=course.pk) in text.decode()


def test_every_role_of_another_territory_is_kept_out(
    outsider_org: Any, course: Course, front: Any
) -> None:
    nomination = _nominated(course, front, 1)[0]
    services.nomination_approve(actor=None, nomination=nomination)
    second = _nominated(course, front, 1, "Lê Thị")[0]
    enrollment = Enrollment.objects.get()
    quota = Quota.objects.get(course=course, unit=front)
    gets = [
        _url("course", course_pk=course.pk),
        _url("quota_edit", quota_pk=quota.pk),
        _url("trainees_xlsx", course_pk=course.pk),
        _url("nominate", course_pk=course.pk),
        _url("nominate_new_person", course_pk=course.pk),
        _url("person_options", course_pk=course.pk),
    ]
    posts = [
        _url("approve", nomination_pk=second.pk),
        _url("reject", nomination_pk=second.pk),
        _url("withdraw", nomination_pk=nomination.pk),
        _url("enrollment_withdraw", enrollment_pk=enrollment.pk),
        _url("quota_delete", quota_pk=quota.pk),
        _url("quota_create", course_pk=course.pk),
        _url("enroll", course_pk=course.pk),
        _url("nominate", course_pk=course.pk),
        _url("deadline", course_pk=course.pk),
    ]
    before = (
        list(Nomination.objects.order_by("pk").values_list()),
        list(Enrollment.objects.order_by("pk").values_list()),
        list(Quota.objects.order_by("pk").values_list()),
        Course.objects.values_list("enrolled_count", "nomination_deadline").get(pk=course.pk),
    )
    for role in Role.values:
        if role == Role.ADMIN:
            continue
        client = client_for(UserFactory(organization=outsider_org, roles=[role]))
        for url in gets:
            assert client.get(url).status_code in (403, 404), (role, url)
        for url in posts:
            data = {"reason": "x", "person": nomination.person_id, "unit": front.pk,
                    "places": 1, "deadline": "20/05/2022 17:00"}  # fmt: skip
            assert client.post(url, data).status_code in (403, 404), (role, url)
        mine = client.get(_url("my_courses"))
        assert mine.status_code in (200, 403) and course.title not in mine.content.decode()
    after = (
        list(Nomination.objects.order_by("pk").values_list()),
        list(Enrollment.objects.order_by("pk").values_list()),
        list(Quota.objects.order_by("pk").values_list()),
        Course.objects.values_list("enrolled_count", "nomination_deadline").get(pk=course.pk),
    )
    assert before == after


def test_committee_sets_the_deadline(member: Any, course: Course) -> None:
    client = client_for(member)
    url = _url("deadline", course_pk=course.pk)
    body = client.post(url, {"deadline": "32/05/2022 17:00"}, **HTMX).content.decode()
    assert "Nhập ngày giờ dạng dd/mm/yyyy HH:MM, ví dụ 20/05/2022 17:00." in body
    body = client.post(url, {"deadline": "28/05/2022 08:00"}, **HTMX).content.decode()
    assert "Hạn cử học viên phải trước khi lớp kết thúc (27/05/2022)." in body
    assert Course.objects.get(pk=course.pk).nomination_deadline is None
    body = client.post(url, {"deadline": "20/05/2022 17:00"}, **HTMX).content.decode()
    assert "Đã lưu hạn cử học viên." in body and "20/05/2022 17:00" in body
    deadline = Course.objects.get(pk=course.pk).nomination_deadline
    assert deadline is not None
    assert timezone.localtime(deadline).strftime("%d/%m/%Y %H:%M") == "20/05/2022 17:00"
    client.post(url, {"deadline": ""}, **HTMX)
    assert Course.objects.get(pk=course.pk).nomination_deadline is None


def test_focal_point_classes_in_constant_queries(
    focal: Any, province_org: Any, front: Any, django_assert_max_num_queries: Any
) -> None:
    for i in range(12):
        course = nominating_course(province_org, title=f"Lớp số {i}")
        services.quota_set(actor=None, course=course, unit=front, places=2)
        _nominated(course, front, 1, f"Người {i}")
    client = client_for(focal)
    with django_assert_max_num_queries(10):
        response = client.get(_url("my_courses"))
    assert len(response.context["quotas"]) == 12


def test_a_deadline_given_as_a_date_means_the_end_of_that_day(member: Any, course: Course) -> None:
    from nominations.forms import DeadlineForm

    form = DeadlineForm({"deadline": " 20/05/2022 "})
    assert form.is_valid(), form.errors
    moment = timezone.localtime(form.cleaned_data["deadline"])
    assert moment.strftime("%d/%m/%Y %H:%M") == "20/05/2022 23:59"
    assert "23:59" in str(DeadlineForm.base_fields["deadline"].help_text)
    client = client_for(member)
    url = _url("deadline", course_pk=course.pk)
    body = client.post(url, {"deadline": "20/05/2022"}, **HTMX).content.decode()
    assert "Đã lưu hạn cử học viên." in body and "20/05/2022 23:59" in body
    assert "chỉ nhập ngày thì hạn là 23:59 ngày đó" in body
    deadline = Course.objects.get(pk=course.pk).nomination_deadline
    assert deadline is not None
    assert timezone.localtime(deadline).strftime("%d/%m/%Y %H:%M") == "20/05/2022 23:59"
    # A time given is kept as given.
    client.post(url, {"deadline": "20/05/2022 00:00"}, **HTMX)
    deadline = Course.objects.get(pk=course.pk).nomination_deadline
    assert deadline is not None
    assert timezone.localtime(deadline).strftime("%H:%M") == "00:00"


def test_withdraw_buttons_only_while_a_trainee_may_leave(
    member: Any, focal: Any, course: Course, front: Any
) -> None:
    approved, submitted = _nominated(course, front, 2)
    services.nomination_approve(actor=None, nomination=approved)
    enrollment = Enrollment.objects.get(nomination=approved)
    withdraw_approved = _url("withdraw", nomination_pk=approved.pk)
    withdraw_submitted = _url("withdraw", nomination_pk=submitted.pk)
    withdraw_enrollment = _url("enrollment_withdraw", enrollment_pk=enrollment.pk)
    focal_client, committee = client_for(focal), client_for(member)
    page = focal_client.get(_url("nominate", course_pk=course.pk)).content.decode()
    assert withdraw_approved in page and withdraw_submitted in page
    assert (
        withdraw_enrollment in committee.get(_url("course", course_pk=course.pk)).content.decode()
    )
    # After the deadline the focal point can no longer take an approved trainee back.
    deadline = timezone.now() - datetime.timedelta(minutes=1)
    Course.objects.filter(pk=course.pk).update(nomination_deadline=deadline)
    page = focal_client.get(_url("nominate", course_pk=course.pk)).content.decode()
    assert withdraw_approved not in page and withdraw_submitted in page
    response = focal_client.post(withdraw_approved, follow=True)
    assert "Đã hết hạn cử học viên" in response.content.decode()
    assert Enrollment.objects.get(pk=enrollment.pk).status == "enrolled"
    # The class is over: nobody withdraws a trainee, and the committee sees no button.
    Course.objects.filter(pk=course.pk).update(status=CourseStatus.COMPLETED)
    body = committee.get(_url("course", course_pk=course.pk)).content.decode()
    assert withdraw_enrollment not in body and "Nguyễn Văn Học Viên1" in body
    body = committee.post(withdraw_enrollment, {"reason": "Ốm"}, **HTMX).content.decode()
    assert "không thể rút học viên khỏi lớp" in body
    assert Enrollment.objects.get(pk=enrollment.pk).status == "enrolled"
    assert Course.objects.get(pk=course.pk).enrolled_count == 1
