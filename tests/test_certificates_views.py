"""Certificate pages: the register, batch issue, downloads, revoke, public verification, scope."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from certificates import services
from certificates.models import BatchStatus, Certificate, CertificateBatch
from tests.conftest import client_for
from tests.course_helpers import make_course
from tests.test_certificates_services import SIGN, trainees


@pytest.fixture
def course(owner_org: Any) -> Any:
    return make_course(owner_org, title="Lớp bồi dưỡng công tác dân vận 2022")


def _issue_all(client: Client, course: Any) -> CertificateBatch:
    response = client.post(
        reverse("certificates:batch_create", kwargs={"course_pk": course.pk}),
        {"issued_on": "27/05/2022", "signer_name": "Nguyễn Văn Bình", "signer_title": "Trưởng ban"},
    )
    assert response.status_code == 302
    return CertificateBatch.objects.get()


def test_issue_class_in_background_and_download(course: Any, owner: Any) -> None:
    trainees(course, 3)
    trainees(course, 1, completed=False)
    client = client_for(owner)
    batch = _issue_all(client, course)
    assert batch.status == BatchStatus.DONE and batch.issued_count == 3
    assert sorted(Certificate.objects.values_list("number", flat=True)) == [1, 2, 3]
    pdf = client.get(reverse("certificates:batch_pdf", kwargs={"batch_pk": batch.pk}))
    assert b"".join(pdf.streaming_content if pdf.streaming else [pdf.content]).startswith(b"%PDF")
    archive = client.get(reverse("certificates:batch_zip", kwargs={"batch_pk": batch.pk}))
    names = zipfile.ZipFile(io.BytesIO(archive.content)).namelist()
    assert len(names) == 3
    page = client.get(reverse("certificates:register", kwargs={"course_pk": course.pk}))
    assert "1/2022/GCN-BDV" in page.content.decode()
    xlsx = client.get(reverse("certificates:register_xlsx", kwargs={"course_pk": course.pk}))
    assert xlsx.content[:2] == b"PK"
    # nothing left to issue: a clear message, no new batch
    response = client.post(
        reverse("certificates:batch_create", kwargs={"course_pk": course.pk}),
        {"issued_on": "27/05/2022", "signer_name": "A", "signer_title": "B"},
        follow=True,
    )
    assert "chưa được cấp" in response.content.decode()
    assert CertificateBatch.objects.count() == 1


def test_bad_form_writes_nothing(course: Any, owner: Any) -> None:
    trainees(course, 1)
    response = client_for(owner).post(
        reverse("certificates:batch_create", kwargs={"course_pk": course.pk}),
        {"issued_on": "hôm qua", "signer_name": "", "signer_title": "B"},
    )
    assert response.status_code == 302
    assert not CertificateBatch.objects.exists() and not Certificate.objects.exists()


def test_revoke_requires_reason(course: Any, owner: Any) -> None:
    cert = services.issue(actor=owner, enrollment=trainees(course, 1)[0], signature=SIGN)
    client = client_for(owner)
    url = reverse("certificates:revoke", kwargs={"certificate_pk": cert.pk})
    client.post(url, {"reason": ""})
    cert.refresh_from_db()
    assert cert.status == "valid"
    client.post(url, {"reason": "Khai man"})
    cert.refresh_from_db()
    assert cert.status == "revoked"


def test_verify_page_shows_nothing_private(course: Any, owner: Any) -> None:
    (enrollment,) = trainees(course, 1)
    person = enrollment.person
    person.citizen_id = "070080001234"
    person.phone = "0912345678"
    person.save()
    cert = services.issue(actor=owner, enrollment=enrollment, signature=SIGN)
    page = Client().get(reverse("certificates:verify", kwargs={"code": cert.code})).content.decode()
    assert person.full_name in page and course.title in page and "1/2022/GCN-BDV" in page
    assert "còn hiệu lực" in page
    for private in ("070080001234", "0912345678", "01/01/1980", "1980"):
        assert private not in page
    services.revoke(actor=owner, certificate=cert, reason="Sai")
    page = Client().get(reverse("certificates:verify", kwargs={"code": cert.code})).content.decode()
    assert "thu hồi" in page


def test_verify_unknown_code_404_and_lookup(db: Any) -> None:
    response = Client().get(reverse("certificates:verify", kwargs={"code": "NOPE123"}))
    assert response.status_code == 404
    lookup = Client().get(reverse("certificates:verify_lookup"), {"code": " abc "})
    assert lookup.status_code == 302 and lookup["Location"].endswith("/verify/ABC/")


def test_outsider_gets_404_and_staff_rights(course: Any, owner: Any, outsider: Any) -> None:
    cert = services.issue(actor=owner, enrollment=trainees(course, 1)[0], signature=SIGN)
    client = client_for(outsider)
    for name, kwargs in (
        ("certificates:register", {"course_pk": course.pk}),
        ("certificates:register_xlsx", {"course_pk": course.pk}),
        ("certificates:certificate_pdf", {"certificate_pk": cert.pk}),
    ):
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 404
    assert client.post(reverse("certificates:revoke", kwargs={"certificate_pk": cert.pk}),
                       {"reason": "x"}).status_code == 404  # fmt: skip
    assert client.post(reverse("certificates:batch_create", kwargs={"course_pk": course.pk}),
                       {}).status_code == 404  # fmt: skip
    cert.refresh_from_db()
    assert cert.status == "valid"


def test_certificate_pdf(course: Any, owner: Any) -> None:
    cert = services.issue(actor=owner, enrollment=trainees(course, 1)[0], signature=SIGN)
    response = client_for(owner).get(
        reverse("certificates:certificate_pdf", kwargs={"certificate_pk": cert.pk})
    )
    assert response.content.startswith(b"%PDF")
