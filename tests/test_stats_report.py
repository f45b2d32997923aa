"""The results report and its charts: content from the demo's scenario 1, escaping,
and the files written to test-artifacts/ for a person to open."""

from __future__ import annotations

import dataclasses
import datetime
import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings
from docx import Document
from pypdf import PdfReader

from accounts.models import User
from core.demo import demo_load
from stats import charts, report, report_documents, selectors
from tests.conftest import ensure_reference_data

ARTIFACTS = Path(
    os.environ.get("ARTIFACTS_DIR", Path(__file__).resolve().parent.parent / "test-artifacts")
)


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock(), transaction.atomic():
        ensure_reference_data()  # a browser test in this process may have flushed it
        with override_settings(DEBUG=True):
            demo_load()
        yield
        transaction.set_rollback(True)


def _meta() -> report.ReportMeta:
    return report.ReportMeta(
        issuer="Ban Dân vận Tỉnh ủy Bình Phước",
        number="25",
        symbol="BC/BDVTU",
        place="Đồng Xoài",
        date=datetime.date(2017, 12, 5),
        signer_title="Trưởng ban",
        signer_name="Nguyễn Văn An",
        recipients=["Ban Dân vận Trung ương (b/c)", "Thường trực Tỉnh ủy (b/c)", "Lưu VP"],
        assessment="Các lớp được tổ chức chu đáo, học viên tham gia đầy đủ.",
        directions="Tiếp tục bồi dưỡng cho tổ trưởng tổ dân vận mới kiện toàn.",
    )


@pytest.mark.django_db
def test_report_2017_shows_scenario_1(demo: None) -> None:
    user = User.objects.get(username="canbo.binhphuoc")
    f = selectors.stats_filter_for(user, year=2017)
    document = report.build_report(user, f, _meta())
    assert document.header_superior == "TỈNH ỦY BÌNH PHƯỚC"
    assert document.header_org == "BAN DÂN VẬN"
    assert document.number == "Số: 25-BC/BDVTU"
    assert document.place_date == "Đồng Xoài, ngày 05 tháng 12 năm 2017"
    assert document.title.endswith("năm 2017")
    headings = [s.heading for s in document.sections]
    assert headings == [
        "I. KẾT QUẢ THỰC HIỆN",
        "II. NHẬN XÉT, ĐÁNH GIÁ",
        "III. PHƯƠNG HƯỚNG, NHIỆM VỤ",
    ]
    text = " ".join(p.text for p in document.sections[0].parts)
    assert "5 lớp" in text and "952 cán bộ" in text
    assert "tổ chức 5/5 lớp; bồi dưỡng 952/950" in text
    assert "nhiều nhất từ trước đến nay" in text
    assert "tổ trưởng tổ dân vận 866/866 người" in text
    pdf = report_documents.report_pdf(document)
    docx = report_documents.report_docx(document)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "stats-report-2017.pdf").write_bytes(pdf)
    (ARTIFACTS / "stats-report-2017.docx").write_bytes(docx)
    pages = PdfReader(io.BytesIO(pdf)).pages
    first = pages[0].extract_text()
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first
    assert "Độc lập - Tự do - Hạnh phúc" in first
    last = pages[-1].extract_text()
    assert "Nơi nhận:" in last and "Nguyễn Văn An" in last
    assert len(Document(io.BytesIO(docx)).inline_shapes) >= 2  # year and category charts
    # The Party document form: "ĐẢNG CỘNG SẢN VIỆT NAM", no motto, "Số 25-BC/…".
    party = report.build_report(user, f, dataclasses.replace(_meta(), party=True))
    assert (party.nation, party.motto, party.number) == (
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "",
        "Số 25-BC/BDVTU",
    )
    (ARTIFACTS / "stats-report-2017-party.pdf").write_bytes(report_documents.report_pdf(party))


def test_chart_text_is_escaped_and_labelled() -> None:
    svg = charts.hbar_chart(
        'Theo <đối tượng> & "nhóm"',
        [charts.point("<script>alert(1)</script>", 3, 1)],
        series=["Hoàn thành", "Chưa"],
    )
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    # The same SVG rasterises through typst (what the DOCX embeds).
    assert report_documents.svg_to_png(svg).startswith(b"\x89PNG")


def test_year_chart_marks_the_record() -> None:
    rows = [
        selectors.YearRow(2015, 2, 300, 300, 290),
        selectors.YearRow(2016, 3, 410, 410, 400),
        selectors.YearRow(2017, 5, 952, 952, 920, is_record=True),
    ]
    svg = report.year_chart(rows, "Qua các năm")
    assert charts.RECORD in svg and "Cao nhất" in svg
    assert charts.bar_chart("Trống", [], empty="Chưa có số liệu.").count("Chưa có số liệu.") == 2


def test_place_date_pads_as_decree_30_says() -> None:
    assert report.place_date("Hà Giang", datetime.date(2021, 2, 3)) == (
        "Hà Giang, ngày 03 tháng 02 năm 2021"
    )
    assert report.place_date("Hà Giang", datetime.date(2021, 11, 23)) == (
        "Hà Giang, ngày 23 tháng 11 năm 2021"
    )
