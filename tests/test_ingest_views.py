"""Import pages: upload → preview → confirm; the error report; templates; scope."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook  # type: ignore[import-untyped]

from core.roles import Role
from ingest.models import ImportJob, ImportStatus
from people.models import Person
from tests.conftest import client_for
from tests.factories import OrganizationFactory, UserFactory
from tests.test_ingest_helpers import GOOD, HEADERS, counts, xlsx


@pytest.fixture
def dn_org(dong_nai: Any) -> Any:
    return OrganizationFactory(
        name="Ban Tuyên giáo và Dân vận Tỉnh ủy Đồng Nai", territory=dong_nai
    )


@pytest.fixture
def dn_user(dn_org: Any) -> Any:
    return UserFactory(username="dn", organization=dn_org, roles=[Role.COMMITTEE_MANAGER])


def _upload(client: Any, org: Any, data: bytes, **extra: Any) -> Any:
    upload = SimpleUploadedFile("danh-sach.xlsx", data)
    return client.post(
        reverse("ingest:job_create"), {"owner": org.pk, "file": upload, **extra}, follow=True
    )


def test_upload_preview_confirm(dn_org: Any, dn_user: Any) -> None:
    client = client_for(dn_user)
    assert client.get(reverse("ingest:job_create")).status_code == 200
    response = _upload(client, dn_org, xlsx([HEADERS, *GOOD]))
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.PREVIEW and job.summary["counts"]["create"] == 2
    assert "Xác nhận nhập" in response.content.decode()
    assert Person.objects.count() == 0
    response = client.post(reverse("ingest:job_confirm", args=[job.pk]), follow=True)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and Person.objects.count() == 2
    assert "Đã ghi: 2 người mới" in response.content.decode()
    assert client.get(reverse("ingest:job_list")).status_code == 200
    assert client.get(reverse("ingest:job_progress", args=[job.pk]))["HX-Refresh"] == "true"


def test_mistakes_listed_and_report_marks_the_cells(dn_org: Any, dn_user: Any) -> None:
    client = client_for(dn_user)
    rows = [HEADERS, GOOD[0], [2, "Trần Thị Bình", "31/02/1982", "Nữ", "@SUM(A1)", "", ""]]
    before = counts()
    response = _upload(client, dn_org, xlsx(rows))
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.REJECTED and counts() == before
    page = response.content.decode()
    assert "Ngày “31/02/1982” không có thật." in page and "Tải báo cáo lỗi" in page
    report = client.get(reverse("ingest:job_error_report", args=[job.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(report.streaming_content))).active
    header = [c.value for c in sheet[1]]
    assert header[-2:] == ["Lỗi", "Dòng trong tệp gốc"]
    row = list(sheet[2])
    assert row[2].fill.fgColor.rgb.endswith("FFC7CE") and row[2].comment is not None
    assert row[4].value == "@SUM(A1)" and row[4].quotePrefix  # neutralised, not a formula
    assert row[-1].value == 3
    # Only the valid rows, on request.
    client.post(reverse("ingest:job_confirm", args=[job.pk]), {"valid_only": "1"})
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and Person.objects.count() == 1


def test_template_has_headers_and_drop_downs(dn_user: Any) -> None:
    response = client_for(dn_user).get(reverse("ingest:template_download") + "?kind=roster")
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]][:3] == ["STT", "Họ và tên", "Ngày sinh"]
    assert len(sheet.data_validations.dataValidation) >= 8
    lists = book.worksheets[1]
    assert lists.sheet_state == "hidden"
    communes = [c.value for c in next(col for col in lists.columns if col[0].value == "Xã/Phường")]
    assert "Phường Biên Hòa" in communes and "Phường Hoàn Kiếm" not in communes


def test_outsider_gets_404_and_trainee_403(
    dn_org: Any, dn_user: Any, outsider: Any, owner_org: Any
) -> None:
    _upload(client_for(dn_user), dn_org, xlsx([HEADERS, *GOOD]))
    job = ImportJob.objects.get()
    other = client_for(outsider)
    for name in ("job_detail", "job_progress", "job_error_report"):
        assert other.get(reverse(f"ingest:{name}", args=[job.pk])).status_code == 404
    assert other.post(reverse("ingest:job_confirm", args=[job.pk])).status_code == 404
    assert Person.objects.count() == 0
    # An outsider cannot import for an organisation outside their territory.
    response = _upload(other, dn_org, xlsx([HEADERS, *GOOD]))
    assert ImportJob.objects.count() == 1 and response.status_code == 200
    trainee = UserFactory(organization=owner_org, roles=[Role.TRAINEE])
    client = client_for(trainee)
    assert client.get(reverse("ingest:job_create")).status_code == 403
    assert client.get(reverse("ingest:job_list")).status_code == 403
    assert client.get(reverse("ingest:job_detail", args=[job.pk])).status_code == 404
