"""The trainee's own page: by account or personal link, own records only."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from assessment.models import Assignment
from attendance.models import Attendance
from certificates import services as certificate_services
from core.roles import Role
from courses.models import Course, Session, TopicMaterial
from courses.services import session_create
from nominations.models import Enrollment
from tests.conftest import client_for
from tests.course_helpers import make_topic
from tests.factories import UserFactory, trainee_account
from tests.test_assessment_fixtures import (  # noqa: F401 - fixtures
    PDF,
    course,
    enrollments,
    front,
    other_course,
    other_teacher,
    secretary,
    teacher,
)
from tests.test_assessment_pdf import bomb_pdf
from trainee import selectors, services
from trainee.models import PersonalLink

pytestmark = pytest.mark.django_db

SIGNATURE = certificate_services.Signature(datetime.date(2022, 6, 1), "Nguyễn Văn Ký", "Trưởng ban")


@pytest.fixture
def setting(course: Course, enrollments: list[Enrollment], owner_org: Any) -> dict[str, Any]:  # noqa: F811
    """Trainee An (account) and Bình (other trainee) in one class; a topic with a material
    taught in the class and another topic's material that is not."""
    topic = make_topic(owner_org, "Công tác dân vận chính quyền")
    session_create(
        actor=None,
        course=course,
        date=course.start_date,
        half_day="evening",
        kind="lecture",
        topic=topic,
        lecturers=[],
    )
    material = TopicMaterial.objects.create(
        topic=topic, title="Đề cương chuyên đề", file=SimpleUploadedFile("de-cuong.pdf", PDF)
    )
    elsewhere = TopicMaterial.objects.create(
        topic=make_topic(owner_org, "Chuyên đề lớp khác"),
        title="Tài liệu lớp khác",
        file=SimpleUploadedFile("khac.pdf", PDF),
    )
    an, binh = enrollments[0], enrollments[1]
    first = Session.objects.filter(course=course).order_by("starts_at").first()
    Attendance.objects.create(session=first, enrollment=an, mark="late")
    Attendance.objects.create(session=first, enrollment=binh, mark="excused", reason="Ốm")
    Enrollment.objects.filter(pk__in=[an.pk, binh.pk]).update(completed=True)
    an.refresh_from_db()
    binh.refresh_from_db()
    certs = certificate_services.issue_many(
        actor=None, course=course, enrollments=[an, binh], signature=SIGNATURE
    )
    user = trainee_account(an.person, "hv.an")
    return {
        "an": an,
        "binh": binh,
        "user": user,
        "material": material,
        "elsewhere": elsewhere,
        "cert_an": certs[0],
        "cert_binh": certs[1],
    }


def test_trainee_home_shows_own_class_only(setting: dict[str, Any]) -> None:
    client = client_for(setting["user"])
    assert "Lớp của tôi" in client.get("/").content.decode()  # home is the trainee page
    page = client.get(reverse("trainee:home")).content.decode()
    assert "Nguyễn Văn An" in page and setting["an"].course.title in page
    assert "Đi muộn" in page and "Ốm" not in page  # own mark, not Bình's excuse
    assert "Đề cương chuyên đề" in page and "Tài liệu lớp khác" not in page
    assert setting["cert_an"].register in page and setting["cert_binh"].register not in page
    assert "Lớp của tôi" in page  # the menu entry


def test_trainee_downloads_own_material_and_certificate_only(setting: dict[str, Any]) -> None:
    client = client_for(setting["user"])
    an, binh = setting["an"], setting["binh"]
    ok = client.get(reverse("trainee:material", args=[an.pk, setting["material"].pk]))
    assert ok.status_code == 200 and b"".join(ok.streaming_content) == PDF
    for url in [
        reverse("trainee:material", args=[an.pk, setting["elsewhere"].pk]),
        reverse("trainee:material", args=[binh.pk, setting["material"].pk]),
        reverse("trainee:certificate", args=[an.pk, setting["cert_binh"].pk]),
        reverse("trainee:certificate", args=[binh.pk, setting["cert_binh"].pk]),
        reverse("courses:material_download", args=[setting["material"].pk]),
        reverse("certificates:certificate_pdf", args=[setting["cert_an"].pk]),
        reverse("assessment:download", args=[an.pk]),
    ]:
        assert client.get(url).status_code in {403, 404}, url
    pdf = client.get(reverse("trainee:certificate", args=[an.pk, setting["cert_an"].pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_trainee_submits_own_paper_and_a_bomb_is_refused(setting: dict[str, Any]) -> None:
    client = client_for(setting["user"])
    an, binh = setting["an"], setting["binh"]
    bad = client.post(
        reverse("trainee:submit", args=[an.pk]),
        {"text": "", "file": SimpleUploadedFile("bai.pdf", bomb_pdf())},
    )
    assert bad.status_code == 400 and "bom PDF" in bad.content.decode()
    assert not Assignment.objects.exists()
    other = client.post(reverse("trainee:submit", args=[binh.pk]), {"text": "Bài hộ"})
    assert other.status_code == 404 and not Assignment.objects.exists()
    good = client.post(
        reverse("trainee:submit", args=[an.pk]),
        {"text": "Bài của tôi", "file": SimpleUploadedFile("bai.pdf", PDF)},
    )
    assert good.status_code == 302
    paper = Assignment.objects.get(enrollment=an)
    assert paper.submitted_by == setting["user"] and paper.file_kind == "pdf"


def test_personal_link_opens_the_page_without_account(setting: dict[str, Any], owner: User) -> None:
    binh = setting["binh"]
    link, token = services.link_issue(actor=owner, person=binh.person)
    anonymous = Client()
    page = anonymous.get(reverse("trainee:link_home", args=[token]))
    body = page.content.decode()
    assert page.status_code == 200 and "Lê Thị Bình" in body and "Vắng có phép" in body
    assert "Nguyễn Văn An" not in body
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    cert = anonymous.get(
        reverse("trainee:link_certificate", args=[token, binh.pk, setting["cert_binh"].pk])
    )
    assert cert.status_code == 200
    foreign = anonymous.get(
        reverse("trainee:link_certificate", args=[token, setting["an"].pk, setting["cert_an"].pk])
    )
    assert foreign.status_code == 404
    sent = anonymous.post(reverse("trainee:link_submit", args=[token, binh.pk]), {"text": "Bài"})
    assert sent.status_code == 302
    assert Assignment.objects.get(enrollment=binh).submitted_by is None
    # Tampered, revoked, expired: 404.
    assert anonymous.get(reverse("trainee:link_home", args=[token[:-2] + "xx"])).status_code == 404
    _new, fresh = services.link_issue(actor=owner, person=binh.person)
    assert anonymous.get(reverse("trainee:link_home", args=[token])).status_code == 404
    assert anonymous.get(reverse("trainee:link_home", args=[fresh])).status_code == 200
    PersonalLink.objects.filter(pk=_new.pk).update(expires_at=timezone.now())
    assert anonymous.get(reverse("trainee:link_home", args=[fresh])).status_code == 404
    assert selectors.link_for_token(fresh) is None and link.pk != _new.pk


def test_staff_create_account_and_link(setting: dict[str, Any], owner: User, member: User) -> None:
    binh = setting["binh"].person
    url = reverse("trainee:person_access", args=[binh.pk])
    data = {"action": "account", "username": "hv.binh", "password1": "Hoc-vien-2022!"}
    mismatch = client_for(owner).post(url, data | {"password2": "khac"})
    assert mismatch.status_code == 400 and not User.objects.filter(username="hv.binh").exists()
    refused = client_for(member).post(url, data | {"password2": "Hoc-vien-2022!"})
    assert "Bạn không được cấp vai trò" in refused.content.decode()
    assert not User.objects.filter(username="hv.binh").exists()
    client = client_for(owner)
    assert client.post(url, data | {"password2": "Hoc-vien-2022!"}).status_code == 302
    binh.refresh_from_db()
    assert binh.user is not None and binh.user.role_set() == {Role.TRAINEE}
    assert client.post(url, {"action": "link"}).status_code == 302
    page = client.get(url).content.decode()
    assert "hv.binh" in page and "/hoc-vien/l/" in page
    assert client.post(url, {"action": "revoke"}).status_code == 302
    assert not PersonalLink.objects.filter(revoked_at__isnull=True).exists()
    assert client.post(url, {"action": "unlink"}).status_code == 302
    binh.refresh_from_db()
    assert binh.user is None and not User.objects.get(username="hv.binh").is_active


def test_outsider_gets_404(setting: dict[str, Any], outsider: User) -> None:
    an = setting["an"]
    client = client_for(outsider)
    for url in [
        reverse("trainee:person_access", args=[an.person.pk]),
        reverse("trainee:material", args=[an.pk, setting["material"].pk]),
        reverse("trainee:certificate", args=[an.pk, setting["cert_an"].pk]),
    ]:
        assert client.get(url).status_code == 404, url
    assert (
        client.post(
            reverse("trainee:person_access", args=[an.person.pk]), {"action": "link"}
        ).status_code
        == 404
    )
    assert not PersonalLink.objects.exists()
    # A committee user who is no trainee gets no trainee page.
    assert client.get(reverse("trainee:home")).status_code == 403


def test_staff_link_existing_trainee_account(
    setting: dict[str, Any], owner: User, owner_org: Any
) -> None:
    from tests.factories import UserFactory

    binh = setting["binh"].person
    url = reverse("trainee:person_access", args=[binh.pk])
    client = client_for(owner)
    UserFactory(username="canbo.khac", organization=owner_org, roles=[Role.COMMITTEE_STAFF])
    UserFactory(username="hv.binh", organization=owner_org, roles=[Role.TRAINEE])
    for username, words in [
        ("khong.co", "Không có tài khoản"),
        ("canbo.khac", "không phải tài khoản học viên"),
        ("hv.an", "đã gắn với hồ sơ khác"),
    ]:
        refused = client.post(url, {"action": "link_account", "existing-username": username})
        assert refused.status_code == 400 and words in refused.content.decode(), username
    binh.refresh_from_db()
    assert binh.user is None
    done = client.post(url, {"action": "link_account", "existing-username": "hv.binh"})
    assert done.status_code == 302
    binh.refresh_from_db()
    assert binh.user is not None and binh.user.username == "hv.binh"
    page = client_for(binh.user).get(reverse("trainee:home")).content.decode()
    assert "Lê Thị Bình" in page and "Nguyễn Văn An" not in page


def test_page_queries_do_not_grow_with_the_programme(
    setting: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    """One class: a fixed number of queries whatever the number of sessions or trainees."""
    client = client_for(setting["user"])
    with django_assert_max_num_queries(25):
        assert client.get(reverse("trainee:home")).status_code == 200


def test_staff_preview_gives_certificates_only_through_their_own_gate(
    setting: dict[str, Any],
    owner: User,
    front: Any,  # noqa: F811
) -> None:
    """The front's focal point sees its trainee's page but not the certificate PDF
    (the register is the issuer's); the committee previews and downloads it."""
    an = setting["an"]
    focal = UserFactory(username="dau.moi", organization=front, roles=[Role.FOCAL_POINT])
    url = reverse("trainee:certificate", args=[an.pk, setting["cert_an"].pk])
    preview = client_for(focal).get(reverse("trainee:person_access", args=[an.person.pk]))
    page = preview.content.decode()
    assert preview.status_code == 200 and setting["cert_an"].register in page
    assert url not in page and "Trả lời phiếu đánh giá lớp học" not in page
    assert client_for(focal).get(url).status_code == 404
    pdf = client_for(owner).get(url)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
