"""Issue #5 item 5 in a real browser: the committee manager issues the certificates
of a completed class (queued as a background task, the progress bar polls with htmx
until the page refreshes by itself), downloads the merged PDF and the zip of single
PDFs, revokes one certificate and reissues it under a new number; then anyone,
without logging in, opens the verification page the QR code points to.
"""

from __future__ import annotations

import io
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from certificates import documents, services, tasks
from certificates.models import BatchStatus, Certificate, CertificateBatch, CertificateStatus
from tests.browser import ARTIFACTS, login, shot
from tests.course_helpers import make_course
from tests.test_browser import page  # noqa: F401 - the fixture is reused
from tests.test_certificates_services import trainees

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def course(owner_org: Any, owner: Any, settings: Any) -> Any:
    # A real queue: the task waits in the database until a worker (here: the test) runs it.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    course = make_course(owner_org, title="Lớp bồi dưỡng công tác dân vận năm 2022")
    trainees(course, 5)
    trainees(course, 1, completed=False)
    return course


def _download(browser_page: Any, test_id: str) -> bytes:
    with browser_page.expect_download() as info:
        browser_page.get_by_test_id(test_id).click()
    return Path(info.value.path()).read_bytes()


def test_issue_download_revoke_reissue_verify(page: Any, course: Any) -> None:  # noqa: F811
    # 1. The manager opens the class's register: five completed trainees wait.
    login(page, "owner")
    page.goto(f"/certificates/courses/{course.pk}/")
    page.get_by_text("5 học viên đã hoàn thành chưa được cấp giấy").wait_for()
    page.get_by_label("Họ tên người ký").fill("Nguyễn Văn Bình")
    page.get_by_label("Chức vụ người ký").fill("Trưởng ban")
    page.get_by_label("Ngày cấp").fill("27/05/2022")
    page.get_by_test_id("issue-all").click()

    # 2. Queued: a progress bar that polls the server every second.
    batch = CertificateBatch.objects.get()
    bar = page.get_by_role("progressbar", name="Tiến độ")
    bar.wait_for()
    assert bar.get_attribute("aria-valuenow") == "0"
    shot(page, "c-01-batch-queued")

    # 3. The worker runs the task; the page notices and refreshes itself with the files.
    tasks.run_batch.call(batch.pk)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE and batch.issued_count == 5
    page.get_by_test_id("batch-pdf").wait_for()
    assert "Đã cấp 5 giấy chứng nhận." in page.content()
    rows = page.get_by_test_id("register").locator("tbody tr")
    assert rows.count() == 5
    shot(page, "c-02-batch-done")

    # 4. Downloads: one PDF of five pages, and a zip of five one-page PDFs.
    merged = _download(page, "batch-pdf")
    assert len(PdfReader(io.BytesIO(merged)).pages) == 5
    archive = zipfile.ZipFile(io.BytesIO(_download(page, "batch-zip")))
    certs = list(Certificate.objects.order_by("number"))
    assert archive.namelist() == [documents.filename(c) for c in certs]
    first_single = PdfReader(io.BytesIO(archive.read(archive.namelist()[0])))
    assert len(first_single.pages) == 1
    assert certs[0].enrollment.person.full_name in first_single.pages[0].extract_text()
    # What the trainee holds: the first page rendered, to be looked at.
    pdf_path = ARTIFACTS / "c-03-certificate.pdf"
    pdf_path.write_bytes(archive.read(archive.namelist()[0]))
    subprocess.run(  # noqa: S603 - a fixed system tool on our own file
        ["/usr/bin/pdftoppm", "-png", "-r", "60", "-singlefile", str(pdf_path),
         str(ARTIFACTS / "c-03-certificate")],
        check=True,
    )  # fmt: skip

    # 5. Revoke number 1 with a reason, then reissue it: a new number, history kept.
    row = page.get_by_test_id("cert-1/2022/GCN-BDV")
    row.get_by_label("Lý do").fill("Sai ngày sinh")
    row.get_by_role("button", name="Thu hồi").click()
    page.get_by_text("Đã thu hồi giấy chứng nhận số 1/2022/GCN-BDV.").wait_for()
    assert "Đã thu hồi" in page.get_by_test_id("cert-1/2022/GCN-BDV").inner_text()
    page.get_by_test_id("reissue-1/2022/GCN-BDV").click()
    # Reissued today: the first number of this year's series.
    old = Certificate.objects.get(number=1, series__year=2022)
    new = Certificate.objects.get(replaces=old)
    page.get_by_text(f"Đã cấp lại: số {new.register}.").wait_for()
    assert rows.count() == 6
    assert f"cấp lại thay số {old.register}" in rows.nth(5).inner_text()
    shot(page, "c-04-revoked-reissued")
    assert old.status == CertificateStatus.REVOKED and old.revoke_reason == "Sai ngày sinh"
    assert new.enrollment_id == old.enrollment_id and new.status == CertificateStatus.VALID
    assert services.pending_enrollments(course) == []

    # 6. Without logging in, the QR code's link: valid for the new, revoked for the old.
    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="Đăng xuất").click()
    page.goto(documents.verify_url("/", new.code))
    status = page.get_by_test_id("verify-status")
    assert status.inner_text() == "Giấy chứng nhận còn hiệu lực."
    facts = page.get_by_test_id("verify-facts").inner_text()
    assert new.enrollment.person.full_name in facts and course.title in facts
    assert new.register in facts
    assert "1980" not in facts  # no birth date or other personal data
    shot(page, "c-05-verify-valid")
    page.goto(documents.verify_url("/", old.code))
    assert page.get_by_test_id("verify-status").inner_text() == "Giấy chứng nhận đã bị thu hồi."
    shot(page, "c-06-verify-revoked")
