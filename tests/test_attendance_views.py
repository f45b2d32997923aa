# ruff: noqa: F811 - the fixtures imported from test_attendance_fixtures are parameters here
"""Attendance pages: scope (404 outside, 403 for other roles), htmx rows, bad
input, the paper sheet, PDFs, QR check-in and constant query counts."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from attendance import services
from attendance.models import Attendance, Mark, MarkSource
from courses.models import Course, Session
from nominations import services as nomination_services
from nominations.models import Enrollment
from tests.conftest import client_for
from tests.test_attendance_fixtures import (  # noqa: F401 - fixtures
    DAY1,
    at,
    course,
    editor,
    outside_secretary,
    running_course,
    secretary,
    sessions,
    trainees,
)
from tests.test_nominations_fixtures import make_person

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _pages(course: Course, session: Session, enrollment: Enrollment) -> list[tuple[str, str]]:
    return [
        ("get", reverse("attendance:session", args=[session.pk])),
        ("get", reverse("attendance:paper", args=[session.pk])),
        ("get", reverse("attendance:sign_sheet", args=[session.pk])),
        ("get", reverse("attendance:grid", args=[course.pk])),
        ("get", reverse("attendance:badges", args=[course.pk])),
        ("post", reverse("attendance:mark", args=[session.pk, enrollment.pk])),
        ("post", reverse("attendance:mark_all", args=[session.pk])),
        ("post", reverse("attendance:badge_reissue", args=[enrollment.pk])),
    ]


def test_outsiders_get_404_and_other_roles_403(
    outsider: Any,
    outside_secretary: Any,
    editor: Any,
    course: Course,
    sessions: list[Session],
    trainees: list[Enrollment],
) -> None:
    pages = _pages(course, sessions[0], trainees[0])
    for user in (outsider, outside_secretary):
        client = client_for(user)
        for method, url in pages:
            response = getattr(client, method)(url, {"mark": "present"})
            assert response.status_code == 404, (user, url)
    client = client_for(editor)
    for method, url in pages:
        assert getattr(client, method)(url, {"mark": "present"}).status_code == 403, url
    assert not Attendance.objects.exists()


def test_anonymous_is_sent_to_login(course: Course, sessions: list[Session]) -> None:
    from django.test import Client

    url = reverse("attendance:session", args=[sessions[0].pk])
    response = Client().get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    # A scanned badge: to the sign-in page, and back to the check-in after it.
    checkin = reverse("attendance:checkin", args=["A" * 43])
    response = Client().get(checkin)
    assert response.status_code == 302 and "next=/attendance/checkin/" in response["Location"]


def test_session_table_mark_all_and_htmx_row(
    secretary: Any,
    sessions: list[Session],
    trainees: list[Enrollment],
    django_assert_max_num_queries: Any,
) -> None:
    client = client_for(secretary)
    session = sessions[0]
    url = reverse("attendance:session", args=[session.pk])
    with django_assert_max_num_queries(12):
        page = client.get(url)
    assert page.status_code == 200
    names = [e.person.full_name for e in trainees]
    text = page.content.decode()
    assert [text.index(n) for n in names] == sorted(text.index(n) for n in names)
    client.post(reverse("attendance:mark_all", args=[session.pk]))
    assert Attendance.objects.filter(session=session, mark=Mark.PRESENT).count() == 5
    row_url = reverse("attendance:mark", args=[session.pk, trainees[1].pk])
    with django_assert_max_num_queries(14):
        response = client.post(row_url, {"mark": "late", "reason": "", "n": "2"}, **HTMX)
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith(f'<tr id="row-{trainees[1].pk}"')
    assert '<td class="text-end">2</td>' in response.content.decode()
    saved = response.content.decode().split(f'data-testid="saved-{trainees[1].pk}">')[1]
    assert saved.split("</td>")[0].strip(), "the row says when it was saved"
    assert Attendance.objects.get(session=session, enrollment=trainees[1]).mark == Mark.LATE


def test_bad_row_input_writes_nothing(
    secretary: Any, sessions: list[Session], trainees: list[Enrollment]
) -> None:
    client = client_for(secretary)
    url = reverse("attendance:mark", args=[sessions[0].pk, trainees[0].pk])
    response = client.post(url, {"mark": "excused", "reason": "  "}, **HTMX)
    assert "Vắng có phép phải ghi lý do." in response.content.decode()
    response = client.post(url, {"mark": "ill"}, **HTMX)
    assert "Hãy chọn một trong các mức điểm danh." in response.content.decode()
    response = client.post(url, {"mark": "late", "reason": "x" * 301}, **HTMX)
    assert "300" in response.content.decode()
    assert not Attendance.objects.exists()
    # Without htmx: back to the page with the message.
    response = client.post(url, {"mark": "excused"}, follow=True)
    assert "Vắng có phép phải ghi lý do." in response.content.decode()
    # An enrollment of another class is not found through this session.
    other = running_course(trainees[0].course.owner, names=("Đỗ Văn Khác",))
    stranger = Enrollment.objects.get(course=other)
    response = client.post(
        reverse("attendance:mark", args=[sessions[0].pk, stranger.pk]), {"mark": "present"}
    )
    assert response.status_code == 404
    assert not Attendance.objects.exists()


def test_withdrawn_trainee_row_is_refused(
    secretary: Any, sessions: list[Session], trainees: list[Enrollment]
) -> None:
    nomination_services.enrollment_withdraw(actor=None, enrollment=trainees[0], reason="Bận")
    url = reverse("attendance:mark", args=[sessions[0].pk, trainees[0].pk])
    response = client_for(secretary).post(url, {"mark": "present"}, **HTMX)
    assert "đã rút" in response.content.decode()
    assert not Attendance.objects.exists()


def test_paper_sheet_form(
    secretary: Any, sessions: list[Session], trainees: list[Enrollment]
) -> None:
    client = client_for(secretary)
    url = reverse("attendance:paper", args=[sessions[1].pk])
    data = {f"mark-{e.pk}": "present" for e in trainees}
    data[f"mark-{trainees[0].pk}"] = "excused"
    response = client.post(url, data)
    assert response.status_code == 422
    assert "Chưa lưu gì" in response.content.decode()
    assert not Attendance.objects.exists()
    data[f"reason-{trainees[0].pk}"] = "Đi công tác"
    data[f"mark-{trainees[1].pk}"] = "absent"
    response = client.post(url, data)
    assert response.status_code == 302
    rows = Attendance.objects.filter(session=sessions[1])
    assert rows.count() == 5 and {r.source for r in rows} == {MarkSource.PAPER}
    assert rows.get(enrollment=trainees[1]).mark == Mark.ABSENT


def test_grid_flags_and_keeps_constant_queries(
    secretary: Any,
    course: Course,
    sessions: list[Session],
    trainees: list[Enrollment],
    django_assert_max_num_queries: Any,
    monkeypatch: Any,
) -> None:
    for s in sessions:
        services.mark_all_present(actor=secretary, session=s)
    services.attendance_mark(
        actor=secretary, session=sessions[0], enrollment=trainees[0], mark="excused", reason="Ốm"
    )
    client = client_for(secretary)
    url = reverse("attendance:grid", args=[course.pk])
    with django_assert_max_num_queries(10):
        response = client.get(url)
    text = response.content.decode()
    assert "2/3 (67%)" in text and "dưới 80%" in text and text.count("dưới 80%") == 2
    for i in range(5):
        nomination_services.enroll_directly(
            actor=None, course=course, person=make_person(course.owner, f"Ngô Văn Thêm{i}")
        )
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200


def test_pdfs(secretary: Any, course: Course, sessions: list[Session]) -> None:
    client = client_for(secretary)
    sheet = client.get(reverse("attendance:sign_sheet", args=[sessions[0].pk]))
    assert sheet.status_code == 200 and sheet.content.startswith(b"%PDF")
    assert sheet["Cache-Control"] == "private, no-store"
    badges = client.get(reverse("attendance:badges", args=[course.pk]))
    assert badges.status_code == 200 and badges.content.startswith(b"%PDF")
    # Printing again reuses the badges: the QR codes stay the same.
    nonces = set(course.enrollments.values_list("badge__nonce", flat=True))
    client.get(reverse("attendance:badges", args=[course.pk]))
    assert set(course.enrollments.values_list("badge__nonce", flat=True)) == nonces


def _checkin_url(secretary: Any, course: Course, enrollment: Enrollment) -> str:
    badge = dict(services.badges_for(actor=secretary, course=course))[enrollment]
    return reverse("attendance:checkin", args=[services.badge_token(badge)])


def test_checkin_page(
    secretary: Any,
    outsider: Any,
    editor: Any,
    course: Course,
    sessions: list[Session],
    trainees: list[Enrollment],
    monkeypatch: Any,
    django_assert_max_num_queries: Any,
) -> None:
    url = _checkin_url(secretary, course, trainees[0])
    monkeypatch.setattr(timezone, "now", lambda: at(DAY1, 7, 35))
    client = client_for(secretary)
    assert client_for(outsider).get(url).status_code == 404
    assert client_for(editor).get(url).status_code == 403
    with django_assert_max_num_queries(20):
        response = client.get(url)
    assert response.status_code == 200
    assert "Đã điểm danh: Có mặt lúc 07:35" in response.content.decode()
    row = Attendance.objects.get()
    assert (row.session, row.source, row.marked_by) == (sessions[0], MarkSource.QR, secretary)
    again = client.get(url)
    assert again.status_code == 200
    assert "đã được điểm danh buổi này lúc 07:35 25/05/2022" in again.content.decode()
    monkeypatch.setattr(timezone, "now", lambda: at(DAY1, 12, 30))
    response = client_for(secretary).get(_checkin_url(secretary, course, trainees[1]))
    assert "Lớp không có buổi học nào vào lúc này." in response.content.decode()
    for bad in ("A" * 43, url.split("/")[-2][:-3] + "abc"):
        response = client.get(reverse("attendance:checkin", args=[bad]))
        assert response.status_code == 404
        assert "Mã QR không hợp lệ" in response.content.decode()
    assert Attendance.objects.count() == 1


def test_reissued_badge_old_qr_refused(
    secretary: Any, course: Course, trainees: list[Enrollment], monkeypatch: Any
) -> None:
    old = _checkin_url(secretary, course, trainees[0])
    client = client_for(secretary)
    response = client.post(reverse("attendance:badge_reissue", args=[trainees[0].pk]))
    assert response.status_code == 302
    monkeypatch.setattr(timezone, "now", lambda: at(DAY1, 8))
    assert client.get(old).status_code == 404
    assert client.get(_checkin_url(secretary, course, trainees[0])).status_code == 200


def test_committee_member_may_take_attendance(
    member: Any, sessions: list[Session], trainees: list[Enrollment]
) -> None:
    url = reverse("attendance:mark", args=[sessions[0].pk, trainees[0].pk])
    assert client_for(member).post(url, {"mark": "absent"}, **HTMX).status_code == 200
    assert Attendance.objects.get().mark == Mark.ABSENT


def test_a_1000_trainee_class_costs_the_same_queries(
    secretary: Any, course: Course, sessions: list[Session]
) -> None:
    """The issue's figure: the attendance pages of a 1,000-trainee class issue the
    same number of queries as those of the fixture's small class."""
    client = client_for(secretary)
    pages = [
        reverse("attendance:session", args=[sessions[0].pk]),
        reverse("attendance:grid", args=[course.pk]),
    ]

    def counts() -> list[int]:
        found = []
        for url in pages:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            found.append(len(captured))
        return found

    services.mark_all_present(actor=secretary, session=sessions[0])
    small = counts()
    already = Enrollment.objects.filter(course=course).count()
    people = [make_person(course.owner, f"Trần Văn Học Viên{i}") for i in range(1000 - already)]
    Enrollment.objects.bulk_create(Enrollment(course=course, person=p) for p in people)
    assert Enrollment.objects.filter(course=course).count() == 1000
    services.mark_all_present(actor=secretary, session=sessions[0])
    assert counts() == small
