"""Statistics in a real browser on the demo data: the province reads 2017 (scenario 1),
drills into a roster's untrained members, downloads the results report; a district
sees only its own class."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]
from django.test import override_settings
from docx import Document

from core.demo import demo_load
from people.models import Roster
from tests.browser import login, shot
from tests.conftest import ensure_reference_data
from tests.test_browser import page  # noqa: F401 - the fixture is reused

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Accessibility rules checked on the statistics pages (axe-core).
AXE_RULES = {
    "heading-order",
    "empty-heading",
    "page-has-heading-one",
    "image-alt",
    "svg-img-alt",
    "role-img-alt",
    "label",
    "select-name",
    "color-contrast",
    "table-duplicate-name",
}


def _axe_violations(tab: Any) -> list[str]:
    # The shared top bar (base.html) is checked by its owners; these pages' content here.
    found = Axe().run(tab, context={"exclude": [["nav.navbar"]]}).response["violations"]
    return [
        f"{v['id']}: {[n['target'] for n in v['nodes']]}" for v in found if v["id"] in AXE_RULES
    ]


@pytest.fixture
def demo(db: Any) -> None:
    ensure_reference_data()
    with override_settings(DEBUG=True):
        demo_load()


def test_statistics_in_the_browser(page: Any, demo: None) -> None:  # noqa: F811
    login(page, "canbo.binhphuoc")
    page.get_by_role("link", name="Thống kê").first.click()
    page.get_by_label("Năm", exact=True).fill("2017")
    page.get_by_role("button", name="Xem").click()
    page.wait_for_url(re.compile(r"year=2017"))
    assert page.get_by_test_id("sum-trainees").inner_text() == "952"
    assert page.get_by_test_id("sum-classes").inner_text() == "5"
    assert page.get_by_test_id("record-year").is_visible()
    assert page.get_by_role("img", name="Số cán bộ được bồi dưỡng qua các năm").is_visible()
    shot(page, "stats-01-dashboard-2017")
    assert _axe_violations(page) == []

    # The map of the time: the classes stay under old Bình Phước.
    page.get_by_role("link", name="Theo tiêu chí").click()
    page.get_by_role("link", name="Giới tính").click()
    assert "by=sex" in page.url and "2017" in page.url
    table = page.get_by_test_id("breakdown-table")
    assert table.get_by_text("Nam", exact=True).is_visible()
    shot(page, "stats-02-breakdown-sex")

    page.get_by_role("link", name="Báo cáo viên", exact=True).first.click()
    page.get_by_test_id("lecturer-table").get_by_text("Nguyễn Văn Hùng").wait_for()
    shot(page, "stats-03-lecturers")

    # Roster coverage, drilled down to one district's members not yet trained.
    roster = Roster.objects.get(name__startswith="Tổ trưởng tổ dân vận")
    page.goto(f"/people/rosters/{roster.pk}/coverage/")
    page.get_by_role("link", name="Ai chưa được bồi dưỡng").click()
    coverage = page.get_by_test_id("roster-coverage")
    assert coverage.is_visible()
    total = int(page.get_by_test_id("untrained-count").inner_text())
    first_drill = coverage.locator("a[data-testid^=drill-]").first
    in_unit = int(first_drill.inner_text())
    first_drill.click()
    page.wait_for_url(re.compile(r"unit=\d+"))
    assert int(page.get_by_test_id("untrained-count").inner_text()) == in_unit <= total
    assert page.get_by_test_id("untrained-table").locator("tbody tr").count() == min(in_unit, 50)
    shot(page, "stats-04-roster-untrained")
    assert _axe_violations(page) == []

    # The results report, as Word.
    page.goto("/stats/report/?year=2017")
    page.get_by_label("Số", exact=True).fill("25")
    page.get_by_label("Ký hiệu").fill("BC/BDVTU")
    page.get_by_label("Địa danh").fill("Đồng Xoài")
    page.get_by_label("Họ và tên người ký").fill("Nguyễn Văn An")
    shot(page, "stats-05-report-form")
    assert _axe_violations(page) == []
    with page.expect_download() as info:
        page.get_by_role("button", name="Tải báo cáo (Word)").click()
    content = Path(info.value.path()).read_bytes()
    document = Document(io.BytesIO(content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Kết quả công tác bồi dưỡng, tập huấn nghiệp vụ công tác dân vận năm 2017" in text
    assert "952" in text


def test_district_sees_only_its_district(page: Any, demo: None) -> None:  # noqa: F811
    login(page, "canbo.budang")
    page.goto("/stats/?year=2022")
    assert page.get_by_test_id("sum-trainees").inner_text() == "59"
    page.goto("/stats/?year=2017")
    assert page.get_by_test_id("sum-trainees").inner_text() == "0"
    shot(page, "stats-06-district")
