"""Statistics pages on the demo data (DESIGN.md §5): figures, scope, filters kept in the
URL, exports, roster drill-down and the results report."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook  # type: ignore[import-untyped]

from accounts.models import User
from core.demo import demo_load
from geo.models import AdminUnit
from people.models import Roster
from people.selectors import roster_member_status
from stats import selectors
from stats.views import DIMENSIONS
from tests.conftest import ensure_reference_data

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """The demo data once for the module, rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        ensure_reference_data()  # a browser test in this process may have flushed it
        with override_settings(DEBUG=True):
            demo_load()
        yield
        transaction.set_rollback(True)


def _client(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def _xlsx_rows(content: bytes) -> list[tuple[Any, ...]]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def test_dashboard_shows_scenario_1(demo: None, django_assert_max_num_queries: Any) -> None:
    client = _client("canbo.binhphuoc")
    # The selectors may refresh precomputed figures once after data changed: warm up,
    # then count the queries of a page view.
    client.get(reverse("stats:dashboard"), {"year": 2017})
    with django_assert_max_num_queries(40):
        response = client.get(reverse("stats:dashboard"), {"year": 2017})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="sum-classes">5<' in body
    assert 'data-testid="sum-trainees">952<' in body
    assert "chỉ tiêu: 950 người" in body
    assert "15-KH/BDVTU" in body
    assert 'data-testid="record-year"' in body
    assert "<svg" in body and "<title" in body
    # Scenario 1: ~866 village team leaders among ~950 trainees, against their targets.
    assert body.count('data-testid="target-row"') == 1
    assert "Đối tượng: Tổ trưởng tổ dân vận" in body
    rows = _xlsx_rows(client.get(reverse("stats:plans_xlsx"), {"year": 2017}).content)
    assert rows[1][0].startswith("15-KH/BDVTU") and rows[1][2:] == (5, 5, 950, 952)
    assert rows[2][0] == "Đối tượng: Tổ trưởng tổ dân vận" and rows[2][4:] == (866, 866)
    # The filter stays in the links (exports, other tabs).
    assert "start=01%2F01%2F2017" in body


def _table(response: Any, testid: str = "breakdown-table") -> str:
    body: str = response.content.decode()
    start = body.index(f'data-testid="{testid}"')
    return body[start : body.index("</table>", start)]


def test_today_map_and_map_of_the_time(demo: None) -> None:
    # The 2022 Bù Đăng class (scenario 5), read by the centre: on today's map in
    # Đồng Nai, on the map of the time in the old Bình Phước province.
    client = _client("admin")
    params = {"year": 2022, "by": "unit"}
    today = _table(client.get(reverse("stats:breakdown"), params))
    then = _table(client.get(reverse("stats:breakdown"), {**params, "map": "then"}))
    assert "Tỉnh Đồng Nai" in today and "Bình Phước" not in today
    assert "Tỉnh Bình Phước (cũ)" in then and "Đồng Nai" not in then
    # A unit's line narrows the page to that unit (the drill-down stays in the URL).
    assert "&amp;territory=" in then
    # Today's Đồng Nai committee reads the 2017 Bình Phước classes.
    dong_nai = _client("quanly.dongnai").get(reverse("stats:dashboard"), {"year": 2017})
    assert 'data-testid="sum-trainees">952<' in dong_nai.content.decode()


def test_district_sees_only_its_district(demo: None) -> None:
    bu_dang = _client("canbo.budang").get(reverse("stats:dashboard"), {"year": 2022})
    assert 'data-testid="sum-trainees">59<' in bu_dang.content.decode()
    # The province's 2017 cluster classes are not the district's.
    bu_dang_2017 = _client("canbo.budang").get(reverse("stats:dashboard"), {"year": 2017})
    assert 'data-testid="sum-trainees">0<' in bu_dang_2017.content.decode()
    loc_ninh = _client("canbo.locninh").get(reverse("stats:dashboard"), {"year": 2022})
    assert 'data-testid="sum-trainees">0<' in loc_ninh.content.decode()
    neighbour = _client("canbo.locninh").get(reverse("stats:dashboard"), {"year": 2017})
    assert "15-KH/BDVTU" not in neighbour.content.decode()
    # A territory outside the user's scope in the URL narrows nothing and shows nothing.
    province = Roster.objects.get(name__startswith="Tổ trưởng").owner.territory
    foreign = _client("canbo.locninh").get(
        reverse("stats:dashboard"), {"year": 2017, "territory": province.pk}
    )
    assert 'data-testid="sum-trainees">0<' in foreign.content.decode()


@pytest.mark.parametrize(
    "username",
    ["hocvien.budang", "baocaovien", "giaovu.budang", "daumoi.budang", "bientap.dongnai"],
)
def test_other_roles_are_refused(demo: None, username: str) -> None:
    client = _client(username)
    for name in ("stats:dashboard", "stats:breakdown", "stats:lecturers", "stats:report_download"):
        assert client.get(reverse(name)).status_code == 403, name


@pytest.mark.parametrize("by", list(DIMENSIONS))
def test_every_breakdown_and_its_export(
    demo: None, by: str, django_assert_max_num_queries: Any
) -> None:
    client = _client("canbo.binhphuoc")
    client.get(reverse("stats:breakdown"), {"year": 2017, "by": by})  # warm-up, see above
    with django_assert_max_num_queries(30):
        page = client.get(reverse("stats:breakdown"), {"year": 2017, "by": by})
    assert page.status_code == 200
    export = client.get(reverse("stats:breakdown_xlsx"), {"year": 2017, "by": by})
    assert export.status_code == 200
    rows = _xlsx_rows(export.content)
    user = User.objects.get(username="canbo.binhphuoc")
    expected = selectors.breakdown(user, selectors.stats_filter_for(user, year=2017), by)
    assert len(rows) == len(expected) + 1
    if by not in {"category", "topic", "lecturer"}:
        assert sum(r[3] for r in rows[1:]) == 952  # person-times partition the total


def test_lecturer_load_and_export(demo: None) -> None:
    client = _client("canbo.binhphuoc")
    page = client.get(reverse("stats:lecturers"), {"year": 2017})
    assert page.status_code == 200
    assert "Nguyễn Văn Hùng" in page.content.decode()
    rows = _xlsx_rows(client.get(reverse("stats:lecturers_xlsx"), {"year": 2017}).content)
    assert rows[0][:4] == ("Báo cáo viên", "Số lớp", "Số buổi", "Số giờ")
    hung = next(r for r in rows if "Nguyễn Văn Hùng" in r[0])
    assert hung[2] > 0 and hung[3] > 0


def test_centre_sees_2017_as_the_record_year(demo: None) -> None:
    response = _client("admin").get(reverse("stats:dashboard"), {"year": 2023})
    years = _table(response, "years-table")
    # 2017 (952 in Bình Phước) stays the largest year up to 2023 across the country.
    assert "2017 <span" in years and years.count("cao nhất") == 1


def test_years_export_marks_the_record(demo: None) -> None:
    rows = _xlsx_rows(
        _client("canbo.binhphuoc").get(reverse("stats:years_xlsx"), {"year": 2017}).content
    )
    assert rows[-1][:3] == (2017, 5, 952) and rows[-1][5] == "Có"


def test_roster_coverage_drills_down_to_exactly_the_untrained(
    demo: None, django_assert_max_num_queries: Any
) -> None:
    roster = Roster.objects.get(name__startswith="Tổ trưởng tổ dân vận")
    client = _client("canbo.binhphuoc")
    url = reverse("stats:roster_coverage", args=[roster.pk])
    with django_assert_max_num_queries(30):
        page = client.get(url)
    assert page.status_code == 200
    user = User.objects.get(username="canbo.binhphuoc")
    f = selectors.stats_filter_for(user, start=roster.period_start, end=roster.period_end)
    rows, total = selectors.roster_coverage(user, roster, f)
    assert total.members == 866
    missing = total.members - total.completed
    assert f'data-testid="untrained-count">{missing}<' in page.content.decode()
    # One district: the page lists exactly its members who completed nothing.
    row = next(r for r in rows if r.members > r.completed and r.unit_id)
    drilled = client.get(url, {"unit": row.unit_id})
    body = drilled.content.decode()
    assert f'data-testid="untrained-count">{row.members - row.completed}<' in body
    export = client.get(
        reverse("stats:roster_untrained_xlsx", args=[roster.pk]), {"unit": row.unit_id}
    )
    names = sorted(r[0] for r in _xlsx_rows(export.content)[1:])
    unit = AdminUnit.objects.get(pk=row.unit_id)
    expected = sorted(m.person.full_name for m in selectors.roster_untrained(user, roster, f, unit))
    assert names == expected and len(names) == row.members - row.completed
    # Nobody who completed a class of the period is among them.
    untrained_ids = {m.person_id for m in selectors.roster_untrained(user, roster, f)}
    done_ids = set(
        roster_member_status(roster).filter(has_completed=True).values_list("person_id", flat=True)
    )
    assert not untrained_ids & done_ids
    assert len(untrained_ids) + len(done_ids) == 866
    by_unit = _xlsx_rows(
        client.get(reverse("stats:roster_coverage_xlsx", args=[roster.pk])).content
    )
    assert by_unit[-1] == (
        "Tổng cộng",
        866,
        total.enrolled,
        total.completed,
        total.percent,
        missing,
    )
    # Another district's user never opens the roster.
    assert _client("canbo.locninh").get(url).status_code == 404


def test_bad_filter_input_gets_a_message(demo: None) -> None:
    response = _client("canbo.binhphuoc").get(
        reverse("stats:dashboard"), {"start": "31/02/2017", "year": "x"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "is-invalid" in body


def test_report_docx_and_pdf(demo: None) -> None:
    client = _client("canbo.binhphuoc")
    params = {
        "year": 2017,
        "issuer": "Ban Dân vận Tỉnh ủy Bình Phước",
        "number": "25",
        "symbol": "BC/BDVTU",
        "place": "Đồng Xoài",
        "date": "15/12/2017",
        "signer_title": "Trưởng ban",
        "signer_name": "Nguyễn Văn An",
        "recipients": "Ban Dân vận Trung ương (b/c)\nThường trực Tỉnh ủy (b/c)\nLưu VP",
        "assessment": "Các lớp được tổ chức chu đáo.",
    }
    docx = client.get(reverse("stats:report_download"), {**params, "format": "docx"})
    assert docx.status_code == 200
    assert docx["Content-Type"].startswith("application/vnd.openxmlformats")
    document = Document(io.BytesIO(docx.content))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert "BÁO CÁO" in text and "năm 2017" in text and "952" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in cells and "BAN DÂN VẬN" in cells
    assert "Số: 25-BC/BDVTU" in cells and "Đồng Xoài, ngày 15 tháng 12 năm 2017" in cells
    assert "Nơi nhận:" in cells and "TRƯỞNG BAN" in cells and "Nguyễn Văn An" in cells
    assert "Tổ trưởng tổ dân vận" in cells  # the category table
    assert document.inline_shapes, "the year chart is embedded as a picture"
    pdf = client.get(reverse("stats:report_download"), {**params, "format": "pdf"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_report_in_the_party_form(demo: None) -> None:
    params = {
        "year": 2017,
        "form_of": "party",
        "issuer": "Ban Dân vận Tỉnh ủy Bình Phước",
        "number": "25",
        "symbol": "BC/BDVTU",
        "place": "Đồng Xoài",
        "date": "05/12/2017",
        "signer_title": "Trưởng ban",
        "recipients": "Lưu VP",
        "format": "docx",
    }
    response = _client("canbo.binhphuoc").get(reverse("stats:report_download"), params)
    document = Document(io.BytesIO(response.content))
    cells = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in cells and "Số 25-BC/BDVTU" in cells
    assert "Độc lập - Tự do - Hạnh phúc" not in cells


def test_report_refuses_missing_particulars(demo: None) -> None:
    response = _client("canbo.binhphuoc").get(
        reverse("stats:report_download"), {"year": 2017, "issuer": "", "place": "", "format": "pdf"}
    )
    assert response.status_code == 400
    assert "Dữ liệu chưa hợp lệ" in response.content.decode()


def test_report_page_keeps_the_filter(demo: None) -> None:
    response = _client("canbo.binhphuoc").get(reverse("stats:report"), {"year": 2017})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'name="year" value="2017"' in body
    assert "Ban Dân vận Tỉnh ủy Bình Phước" in body


def test_no_period_means_this_year_shown_in_the_year_box(demo: None) -> None:
    from django.utils import timezone

    year = timezone.localdate().year
    page = _client("quanly.dongnai").get(reverse("stats:dashboard")).content.decode()
    assert re.search(rf'name="year"[^>]*value="{year}"', page)
    assert f"năm {year}" in page
