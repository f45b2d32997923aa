"""Scenario 5 end to end in a real browser (issue #5, Done when): the demo's district
class of 2022 — 59 trainees, 3 days, 6 topics and the final assignment.

The secretary checks a trainee in by the badge's QR address and marks a session
(all present, then the exceptions); the lecturer grades in the batch screen; the
manager computes completion and overrides one result with a reason; the whole
class's certificates are issued as a batch and downloaded; the public
verification page opens without login and shows nothing private; the trainee
sees their attendance and certificate on their own page, by account and by
personal link.
"""

from __future__ import annotations

import datetime
import types
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from accounts.models import User
from assessment import services as assessment_services
from assessment.models import Assignment, Result
from attendance import services as attendance_services
from attendance.models import Attendance, Mark, MarkSource
from certificates.models import Certificate
from core.demo import demo_load
from core.roles import Role
from courses.models import Course, Session, TopicMaterial
from nominations.models import Enrollment
from orgs.models import Organization
from people.models import Lecturer
from tests.browser import login, shot
from tests.conftest import ensure_reference_data
from tests.factories import UserFactory
from tests.test_assessment_fixtures import PDF
from tests.test_browser import page  # noqa: F401 - the fixture is reused

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TZ = datetime.timezone(datetime.timedelta(hours=7))


@pytest.fixture
def scenario(db: Any) -> dict[str, Any]:
    """The demo, with the class as on its first morning: no marks, papers handed in."""
    ensure_reference_data()
    with override_settings(DEBUG=True):
        demo_load()
    district = Organization.objects.get(name="Ban Dân vận Huyện ủy Bù Đăng")
    course = Course.objects.get(owner=district, start_date=datetime.date(2022, 5, 25))
    enrollments = list(
        Enrollment.objects.filter(course=course).select_related("person").order_by("pk")
    )
    assert len(enrollments) == 59
    Enrollment.objects.filter(course=course).update(completed=False)
    UserFactory(username="lanhdao.budang", full_name="Trần Văn Minh", organization=district,
                roles=[Role.COMMITTEE_MANAGER])  # fmt: skip
    thanh: User = UserFactory(username="bcv.thanh", full_name="Điểu Văn Thành",
                              organization=district, roles=[Role.LECTURER])  # fmt: skip
    Lecturer.objects.filter(person__full_name="Điểu Văn Thành").update(user=thanh)
    # Names unique in the class, so the table's labels name one row.
    names = [e.person.full_name for e in enrollments]
    unique = [e for e in enrollments if names.count(e.person.full_name) == 1]
    trainee = unique[0]
    # The others handed in the paper on paper; our trainee submits on their page.
    Assignment.objects.bulk_create(
        [
            Assignment(enrollment=e, text="Bài thu hoạch.", submitted_at=timezone.now())
            for e in enrollments
            if e.pk != trainee.pk
        ]
    )
    first_lecture = Session.objects.filter(course=course, kind="lecture").order_by("starts_at")[0]
    TopicMaterial.objects.create(
        topic=first_lecture.topic,
        title="Đề cương bài giảng",
        file=SimpleUploadedFile("de-cuong.pdf", PDF),
    )
    # The demo links the account to a scenario-5 trainee; this test picks its own.
    type(trainee.person).objects.filter(user__username="hocvien.budang").update(user=None)
    User.objects.filter(username="hocvien.budang").update(full_name=trainee.person.full_name)
    trainee.person.user = User.objects.get(username="hocvien.budang")
    trainee.person.save(update_fields=["user"])
    return {"course": course, "enrollments": enrollments, "unique": unique, "trainee": trainee}


def _logout(browser_page: Any) -> None:
    browser_page.get_by_test_id("user-menu").click()
    browser_page.get_by_role("button", name="Đăng xuất").click()


def _saved(response: Any) -> bool:
    return "/mark/" in response.url and response.request.method == "POST"


def test_scenario_5_start_to_finish(
    page: Any,  # noqa: F811
    scenario: dict[str, Any],
    monkeypatch: Any,
    live_server: Any,
    tmp_path: Any,
) -> None:
    course = scenario["course"]
    trainee: Enrollment = scenario["trainee"]
    late, excused, absent, rescued = scenario["unique"][1:5]
    sessions = list(Session.objects.filter(course=course).order_by("starts_at"))
    lecture_1 = sessions[1]  # 25/05 morning, 08:00-11:30
    afternoon_1 = sessions[2]  # 25/05 afternoon

    # 1. Check-in: the secretary's phone opens the trainee's badge address at 08:05.
    login(page, "giaovu.budang")
    badge = dict(attendance_services.badges_for(actor=None, course=course))[trainee]
    clock = types.SimpleNamespace(
        now=lambda: datetime.datetime(2022, 5, 25, 8, 5, tzinfo=TZ),
        localdate=timezone.localdate,
        localtime=timezone.localtime,
    )
    monkeypatch.setattr(attendance_services, "timezone", clock)
    page.goto(f"/attendance/checkin/{attendance_services.badge_token(badge)}/")
    page.get_by_test_id("checkin-result").get_by_text("Đã điểm danh: Có mặt").wait_for()
    shot(page, "s5-01-checkin")
    row = Attendance.objects.get(session=lecture_1, enrollment=trainee)
    assert (row.mark, row.source) == (Mark.PRESENT, MarkSource.QR)
    page.reload()  # the same badge again: no double mark
    page.get_by_text("đã được điểm danh buổi này lúc").wait_for()
    assert Attendance.objects.filter(session=lecture_1, enrollment=trainee).count() == 1
    monkeypatch.undo()

    # 2. Attendance of the first afternoon: all present, then the exceptions.
    page.goto(f"/attendance/courses/{course.pk}/")
    page.get_by_role("link", name="25/05 Chiều").click()
    page.get_by_role("heading", name="Điểm danh buổi học").wait_for()
    page.get_by_role("button", name="Tất cả có mặt").click()
    page.get_by_text("Đã điểm danh có mặt 59 học viên.").wait_for()
    with page.expect_response(_saved):
        page.get_by_label(f"Điểm danh {late.person.full_name}", exact=True).select_option(
            label="Đi muộn"
        )
    with page.expect_response(_saved):
        page.get_by_label(f"Điểm danh {excused.person.full_name}", exact=True).select_option(
            label="Vắng có phép"
        )
    page.get_by_role("alert").filter(has_text="Vắng có phép phải ghi lý do.").wait_for()
    page.get_by_label(f"Lý do của {excused.person.full_name}", exact=True).fill("Họp xã")
    with page.expect_response(_saved):
        page.keyboard.press("Tab")
    page.get_by_role("alert").filter(has_text="Vắng có phép phải ghi lý do.").wait_for(
        state="detached"
    )
    shot(page, "s5-02-session-marked")
    marks = dict(
        Attendance.objects.filter(session=afternoon_1).values_list("enrollment_id", "mark")
    )
    assert len(marks) == 59 and marks[late.pk] == Mark.LATE and marks[excused.pk] == Mark.EXCUSED
    assert Attendance.objects.get(session=afternoon_1, enrollment=excused).reason == "Họp xã"
    # The other sessions of the three days, as the secretary marked them: two trainees
    # missed the second and third day.
    for session in sessions:
        if session.pk != afternoon_1.pk:
            attendance_services.mark_all_present(actor=None, session=session)
    for session in sessions[3:7]:
        for missing in (absent, rescued):
            Attendance.objects.filter(session=session, enrollment=missing).update(mark=Mark.ABSENT)
    page.goto(f"/attendance/courses/{course.pk}/")
    shot(page, "s5-03-attendance-grid")
    _logout(page)

    # 3. The trainee, on their own page: the schedule with their marks, the lecture
    # notes, and the final paper handed in as a PDF.
    login(page, "hocvien.budang")
    card = page.get_by_test_id("trainee-class")
    notes = page.request.get(
        card.get_by_role("link", name="Đề cương bài giảng").get_attribute("href")
    )
    assert notes.ok and notes.body() == PDF
    card.get_by_label("Nội dung bài").fill("Liên hệ thực tiễn công tác dân vận ở xã.")
    paper = tmp_path / "bai-thu-hoach.pdf"
    paper.write_bytes(PDF)
    card.get_by_label("Tệp bài thu hoạch").set_input_files(str(paper))
    card.get_by_role("button", name="Nộp bài").click()
    page.get_by_text("Đã nộp bài thu hoạch lớp").wait_for()
    shot(page, "s5-03b-trainee-submits")
    submitted = Assignment.objects.get(enrollment=trainee)
    assert submitted.file_kind == "pdf" and submitted.submitted_by is not None
    _logout(page)

    # 4. The lecturer grades in the batch screen: a score in words is refused.
    enrollments = scenario["enrollments"]
    for e in enrollments:
        if e.pk not in (trainee.pk, late.pk):
            assessment_services.grade_set(actor=None, enrollment=e, score="7")
    login(page, "bcv.thanh")
    page.goto(f"/assessment/courses/{course.pk}/grading/")
    page.evaluate("window.notReloaded = true")
    row = page.get_by_test_id(f"grade-row-{trainee.pk}")
    row.get_by_label(f"Điểm của {trainee.person.full_name}", exact=True).fill("tám")
    row.get_by_role("button", name=f"Lưu điểm của {trainee.person.full_name}").click()
    row.get_by_test_id("grade-error").wait_for()
    assert Assignment.objects.get(enrollment=trainee).score is None
    row.get_by_label(f"Điểm của {trainee.person.full_name}", exact=True).fill("9,5")
    row.get_by_role("button", name=f"Lưu điểm của {trainee.person.full_name}").click()
    row.get_by_test_id("saved").wait_for()
    assert row.get_by_test_id("grade-label").inner_text() == "Xuất sắc"
    row = page.get_by_test_id(f"grade-row-{late.pk}")
    row.get_by_label(f"Điểm của {late.person.full_name}", exact=True).fill("8")
    row.get_by_role("button", name=f"Lưu điểm của {late.person.full_name}").click()
    row.get_by_test_id("saved").wait_for()
    assert page.evaluate("window.notReloaded") is True
    assert Assignment.objects.get(enrollment=trainee).score == Decimal("9.5")
    page.get_by_test_id(f"grade-row-{trainee.pk}").scroll_into_view_if_needed()
    shot(page, "s5-04-grading")
    _logout(page)

    # 5. The manager computes completion and overrides one result with a reason.
    login(page, "lanhdao.budang")
    page.goto(f"/assessment/courses/{course.pk}/")
    page.get_by_role("button", name="Xét kết quả").click()
    page.get_by_text("Đã xét kết quả: 57/59 học viên hoàn thành.").wait_for()
    rescued_row = page.get_by_test_id(f"result-row-{rescued.pk}")
    assert "vắng 4/7 buổi" in rescued_row.inner_text()
    name = rescued.person.full_name
    rescued_row.get_by_text("Quyết định").first.click()
    page.get_by_label(f"Quyết định cho {name}", exact=True).select_option("pass")
    page.get_by_label(f"Lý do quyết định cho {name}").fill("Đi làm nhiệm vụ phòng chống dịch")
    rescued_row.get_by_role("button", name="Ghi quyết định").click()
    page.get_by_text(f"Đã ghi quyết định cho {name}.").wait_for()
    assert Result.objects.get(enrollment=rescued).override is True
    assert Enrollment.objects.filter(course=course, completed=True).count() == 58
    shot(page, "s5-05-results")

    # 6. Certificates for the whole class, as one batch; the merged PDF downloads.
    page.goto(f"/certificates/courses/{course.pk}/")
    page.get_by_label("Họ tên người ký").fill("Điểu Văn Thành")
    page.get_by_test_id("issue-all").click()
    page.get_by_test_id("batch-pdf").wait_for()
    shot(page, "s5-06-certificates")
    assert Certificate.objects.filter(enrollment__course=course).count() == 58
    assert not Certificate.objects.filter(enrollment=absent).exists()
    registers = list(
        Certificate.objects.filter(enrollment__course=course)
        .order_by("number")
        .values_list("number", flat=True)
    )
    assert registers == list(range(registers[0], registers[0] + 58))  # no gap, no repeat
    pdf = page.request.get(page.get_by_test_id("batch-pdf").get_attribute("href"))
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    # The staff page that gives the trainee a personal link.
    page.goto(f"/people/{trainee.person.pk}/")
    page.get_by_test_id("trainee-access").click()
    page.get_by_role("button", name="Tạo đường dẫn cá nhân").click()
    personal_link = page.get_by_test_id("personal-link").input_value()
    shot(page, "s5-07-trainee-access")
    _logout(page)

    # 7. The public verification page: no login, nothing private.
    cert = Certificate.objects.select_related("enrollment__person").get(enrollment=trainee)
    person = cert.enrollment.person
    anonymous = page.context.browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 860}, locale="en-US"
    )
    try:
        public = anonymous.new_page()
        public.goto(f"/certificates/verify/{cert.code}/")
        public.get_by_test_id("verify-status").get_by_text("còn hiệu lực").wait_for()
        body = public.content()
        assert person.full_name in body and course.title in body
        private = [person.citizen_id, person.phone, person.email, person.birth_display]
        for value in filter(None, private):
            assert value not in body, value
        shot(public, "s5-08-verify")
        # The trainee's personal link opens their page without an account.
        public.goto(personal_link)
        public.get_by_test_id("trainee-name").get_by_text(person.full_name).wait_for()
        assert public.get_by_test_id("certificate").count() == 1
        shot(public, "s5-09-personal-link")
    finally:
        anonymous.close()

    # 8. The trainee logs in: their home is their own page.
    login(page, "hocvien.budang")
    card = page.get_by_test_id("trainee-class")
    assert card.get_by_test_id("attendance-share").inner_text() == "Dự 7/7 buổi đã học"
    assert "Xuất sắc" in card.get_by_test_id("assignment-score").inner_text()
    assert card.get_by_test_id("result").get_by_text("Hoàn thành").is_visible()
    shot(page, "s5-10-trainee-page")
    link = card.get_by_role("link", name=f"Tải giấy chứng nhận số {cert.register}")
    sent = page.request.get(link.get_attribute("href"))
    assert sent.ok and sent.headers["content-type"] == "application/pdf"
    assert sent.body().startswith(b"%PDF")
