"""In the browser: upload a file with mistakes → the preview lists them → download the
report; upload a good file → confirm → done."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from accounts.models import User
from core.roles import Role
from geo.models import AdminUnit
from people.models import Person
from tests.browser import login, shot
from tests.conftest import ensure_reference_data
from tests.factories import OrganizationFactory, UserFactory
from tests.test_browser import page  # noqa: F401 - the fixture is reused
from tests.test_ingest_helpers import GOOD, HEADERS, xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def manager(db: Any) -> User:
    ensure_reference_data()
    dong_nai = AdminUnit.objects.get(
        edition="current", level="province", name_folded="tinh dong nai"
    )
    org = OrganizationFactory(name="Ban Tuyên giáo và Dân vận Tỉnh ủy Đồng Nai", territory=dong_nai)
    return UserFactory(username="canbo.dongnai", organization=org,
                       roles=[Role.COMMITTEE_MANAGER])  # fmt: skip


def test_upload_preview_report_then_confirm(
    page: Any,  # noqa: F811
    manager: User,
    tmp_path: Path,
) -> None:
    login(page, "canbo.dongnai")
    bad = tmp_path / "danh-sach-loi.xlsx"
    bad.write_bytes(
        xlsx([HEADERS, GOOD[0], [2, "Trần Thị Bình", "31/02/1982", "Nữ", "12345", "", ""]])
    )
    page.goto("/imports/new/")
    page.get_by_label("Tệp danh sách").set_input_files(str(bad))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    errors = page.get_by_test_id("errors")
    errors.wait_for()
    text = errors.inner_text()
    assert "Ngày “31/02/1982” không có thật." in text and "Số CCCD" in text
    shot(page, "ingest-preview-errors")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải báo cáo lỗi (.xlsx)").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    assert Person.objects.count() == 0

    good = tmp_path / "danh-sach.xlsx"
    good.write_bytes(xlsx([HEADERS, *GOOD]))
    page.goto("/imports/new/")
    page.get_by_label("Tệp danh sách").set_input_files(str(good))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    page.get_by_test_id("counts").wait_for()
    shot(page, "ingest-preview-good")
    page.get_by_role("button", name="Xác nhận nhập").click()
    page.get_by_test_id("written").wait_for()
    assert "Đã ghi: 2 người mới" in page.get_by_test_id("written").inner_text()
    shot(page, "ingest-done")
    assert Person.objects.count() == 2
