"""The fast paths of a class's certificates give what the slow ones gave: QR codes
identical to segno's, one-page PDFs equal to the merged PDF's pages, codes from the
same alphabet; and the `issue_certificates` command."""

from __future__ import annotations

import io
import random
import zipfile
from typing import Any

import pytest
import segno
from django.core.management import call_command
from django.core.management.base import CommandError
from pypdf import PdfReader
from segno import encoder

from certificates import documents, pdfsplit, qr, services
from certificates.models import BatchStatus, Certificate, CertificateBatch, CertificateSeries
from tests.course_helpers import make_course
from tests.test_certificates_services import SIGN, trainees

BASE = "https://taphuan.example.vn/certificates/verify/"


def _codes(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(services.CODE_ALPHABET) for _ in range(16)) for _ in range(n)]


def test_qr_codes_are_segnos_own() -> None:
    urls = [f"{BASE}{code}/" for code in _codes(120, 5)]
    assert qr.qr_svgs(urls) == [qr.segno_svg(url) for url in urls]


def test_qr_other_links_fall_back_to_segno() -> None:
    mixed = [f"{BASE}{code}/" for code in _codes(20, 6)] + ["https://x.vn/a/"]
    assert qr.qr_svgs(mixed) == [qr.segno_svg(url) for url in mixed]
    upper = [f"HTTPS://X.VN/{code}" for code in _codes(20, 7)]  # alphanumeric mode
    assert qr.qr_svgs(upper) == [qr.segno_svg(url) for url in upper]


@pytest.mark.parametrize("density", [0.5, 0.2, 0.8])
def test_mask_penalty_is_segnos(density: float) -> None:
    """Rules N1-N4 on big integers score every matrix as segno's module loop does."""
    family = qr._family(BASE, "/", 16)
    width = family.masks.width
    rng = random.Random(int(density * 10))
    for _ in range(150):
        bits = "".join("1" if rng.random() < density else "0" for _ in range(width * width))
        matrix = tuple(
            bytearray(int(b) for b in bits[i : i + width]) for i in range(0, len(bits), width)
        )
        expected = sum(encoder.mask_scores(matrix, width, width))
        x = int(bits, 2)
        assert qr._penalty(x, qr._transpose(x, width), family.masks) == expected


def test_svg_writer_is_segnos() -> None:
    code = segno.make("https://taphuan.example.vn/", error="m")
    text = "".join("".join(str(bit) for bit in row) for row in code.matrix)
    assert qr.svg_from_text(text, len(code.matrix)) == qr.segno_svg("https://taphuan.example.vn/")


@pytest.fixture
def course(owner_org: Any) -> Any:
    return make_course(owner_org, title="Lớp bồi dưỡng công tác dân vận 2022")


def test_single_pdfs_are_the_merged_pages(course: Any, owner: Any) -> None:
    certs = services.issue_many(
        actor=owner, course=course, enrollments=trainees(course, 3), signature=SIGN
    )
    merged = documents.render(course, certs, "http://testserver/")
    singles = pdfsplit.split(merged)
    reader = PdfReader(io.BytesIO(merged))
    assert len(singles) == 3
    for i, single in enumerate(singles):
        page = PdfReader(io.BytesIO(single), strict=True)
        assert len(page.pages) == 1
        assert page.pages[0].extract_text() == reader.pages[i].extract_text()
        assert certs[i].enrollment.person.full_name in page.pages[0].extract_text()
        assert page.metadata is not None and page.metadata.title == reader.metadata.title
    archive = zipfile.ZipFile(io.BytesIO(documents.render_zip(merged, certs)))
    assert archive.namelist() == [documents.filename(c) for c in certs]
    assert all(info.compress_type == zipfile.ZIP_STORED for info in archive.infolist())
    assert archive.read(archive.namelist()[1]) == singles[1]


def test_zip_falls_back_to_pypdf(course: Any, owner: Any, monkeypatch: Any) -> None:
    certs = services.issue_many(
        actor=owner, course=course, enrollments=trainees(course, 2), signature=SIGN
    )
    merged = documents.render(course, certs, "http://testserver/")

    def refuse(self: Any, pdf: bytes) -> None:
        raise pdfsplit.Unsupported("test")

    monkeypatch.setattr(pdfsplit.Pages, "__init__", refuse)
    archive = zipfile.ZipFile(io.BytesIO(documents.render_zip(merged, certs)))
    assert len(archive.namelist()) == 2
    assert len(PdfReader(io.BytesIO(archive.read(archive.namelist()[0]))).pages) == 1


def test_codes_use_the_alphabet() -> None:
    codes = {services.new_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(c) == 16 and set(c) <= set(services.CODE_ALPHABET) for c in codes)
    assert set("".join(codes)) == set(services.CODE_ALPHABET)


def test_refused_issue_rolls_the_counter_back(course: Any, owner: Any) -> None:
    first, second = trainees(course, 2)
    services.issue(actor=owner, enrollment=first, signature=SIGN)
    with pytest.raises(Exception, match="còn hiệu lực"):
        services.issue_many(actor=owner, course=course, enrollments=[second, first], signature=SIGN)
    assert CertificateSeries.objects.get().next_number == 2
    assert services.issue(actor=owner, enrollment=second, signature=SIGN).number == 2


def test_command_issues_the_class(course: Any, owner: Any, capsys: Any) -> None:
    trainees(course, 3)
    trainees(course, 1, completed=False)
    call_command(
        "issue_certificates",
        "--course", str(course.pk), "--user", str(owner.pk),
        "--signer-name", "Nguyễn Văn Bình", "--signer-title", "Trưởng ban",
        "--date", "27/05/2022", "--base-url", "https://taphuan.example.vn/",
    )  # fmt: skip
    out, err = capsys.readouterr()
    batch = CertificateBatch.objects.get()
    assert batch.status == BatchStatus.DONE and batch.issued_count == 3
    assert batch.created_by == owner and batch.issued_on.isoformat() == "2022-05-27"
    assert sorted(Certificate.objects.values_list("number", flat=True)) == [1, 2, 3]
    assert "Đã cấp 3 giấy chứng nhận." in out
    assert f"PDF gộp: {batch.merged_pdf.path}" in out
    assert f"Tệp zip: {batch.zip_file.path}" in out
    assert "100%" in err
    assert len(PdfReader(batch.merged_pdf.path).pages) == 3
    assert len(zipfile.ZipFile(batch.zip_file.path).namelist()) == 3

    # Nothing left to issue: refused, nothing written. Signer defaults to the last batch.
    with pytest.raises(CommandError, match="Không có học viên nào"):
        call_command("issue_certificates", "--course", str(course.pk))
    assert CertificateBatch.objects.count() == 1


def test_command_refusals(course: Any, outsider: Any) -> None:
    trainees(course, 1)
    with pytest.raises(CommandError, match="Không có lớp id=999999"):
        call_command("issue_certificates", "--course", "999999")
    with pytest.raises(CommandError, match="người ký"):
        call_command("issue_certificates", "--course", str(course.pk))
    with pytest.raises(CommandError, match="phạm vi"):
        call_command(
            "issue_certificates", "--course", str(course.pk), "--user", str(outsider.pk),
            "--signer-name", "A", "--signer-title", "B",
        )  # fmt: skip
    with pytest.raises(CommandError, match="--date"):
        call_command(
            "issue_certificates", "--course", str(course.pk),
            "--signer-name", "A", "--signer-title", "B", "--date", "hôm qua",
        )  # fmt: skip
    assert not Certificate.objects.exists() and not CertificateBatch.objects.exists()
