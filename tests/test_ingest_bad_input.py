"""Every kind of bad input gets a clear Vietnamese message and leaves the database unchanged."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest

from core.roles import Role
from ingest.columns import HeaderError
from ingest.reading import OLE2_MAGIC, FileRejected
from ingest.services import import_file
from tests.factories import OrganizationFactory, UserFactory
from tests.test_ingest_helpers import GOOD, HEADERS, counts, cp1258, csv_bytes, ods, xlsx


@pytest.fixture
def dn_org(dong_nai: Any) -> Any:
    return OrganizationFactory(
        name="Ban Tuyên giáo và Dân vận Tỉnh ủy Đồng Nai", territory=dong_nai
    )


@pytest.fixture
def dn_user(dn_org: Any) -> Any:
    return UserFactory(username="dn", organization=dn_org, roles=[Role.COMMITTEE_MANAGER])


def _refused(data: bytes, org: Any, user: Any, **options: Any) -> str:
    before = counts()
    with pytest.raises((FileRejected, HeaderError)) as caught:
        import_file(data, owner=org, actor=user, **options)
    assert counts() == before
    return str(caught.value)


def _errors(data: bytes, org: Any, user: Any) -> list[tuple[int, str, str]]:
    before = counts()
    outcome = import_file(data, owner=org, actor=user)
    assert outcome.written is None
    assert counts() == before
    return [(e.row, e.column, e.message) for e in outcome.check.errors]


def test_not_a_spreadsheet(dn_org: Any, dn_user: Any) -> None:
    assert "không phải bảng tính" in _refused(b"\x89PNG\r\n\x1a\n\x00\x00binary", dn_org, dn_user)
    assert "Không tìm thấy dòng tiêu đề" in _refused(b"just some words", dn_org, dn_user)


def test_word_document_in_a_zip(dn_org: Any, dn_user: Any) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    assert "tệp Word" in _refused(out.getvalue(), dn_org, dn_user)


def test_corrupt_xlsx(dn_org: Any, dn_user: Any) -> None:
    data = xlsx([HEADERS, *GOOD])
    assert "bị hỏng" in _refused(data[: len(data) // 2], dn_org, dn_user)


def test_password_protected(dn_org: Any, dn_user: Any) -> None:
    # An encrypted OOXML file is an OLE2 container holding an "EncryptedPackage" stream.
    data = OLE2_MAGIC + b"\x00" * 200 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 300
    assert "mật khẩu" in _refused(data, dn_org, dn_user)


def test_zip_bomb(dn_org: Any, dn_user: Any) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (50 * 1024 * 1024))
    assert "bom nén" in _refused(out.getvalue(), dn_org, dn_user)


def test_too_large_file(dn_org: Any, dn_user: Any, settings: Any) -> None:
    settings.IMPORT_MAX_BYTES = 1000
    assert "vượt giới hạn" in _refused(xlsx([HEADERS, *GOOD * 20]), dn_org, dn_user)


def test_too_many_rows_and_columns(dn_org: Any, dn_user: Any, settings: Any) -> None:
    settings.IMPORT_MAX_ROWS = 1
    message = _refused(xlsx([HEADERS, *GOOD]), dn_org, dn_user)
    assert "3 dòng" in message and "giới hạn 1 dòng" in message
    settings.IMPORT_MAX_ROWS = 100
    settings.IMPORT_MAX_COLUMNS = 5
    message = _refused(xlsx([HEADERS, *GOOD]), dn_org, dn_user)
    assert "7 cột" in message and "cột G" in message and "giới hạn 5 cột" in message


def test_missing_required_column(dn_org: Any, dn_user: Any) -> None:
    rows = [[h for h in HEADERS if h != "Ngày sinh"]] + [r[:2] + r[3:] for r in GOOD]
    assert "Thiếu cột bắt buộc “Ngày sinh”" in _refused(xlsx(rows), dn_org, dn_user)
    rows = [["STT", "Ngày sinh", "Giới tính"], [1, "01/01/1980", "Nam"]]
    assert "Họ và tên" in _refused(xlsx(rows), dn_org, dn_user)


def test_unknown_unit_and_category_suggest_the_closest(dn_org: Any, dn_user: Any) -> None:
    rows = [
        [*HEADERS, "Đối tượng"],
        [*GOOD[0][:6], "Phường Biên Hoà 2", "Tổ trưởng tổ dân vậnn"],
        [*GOOD[1][:5], "Đồng Nay", "Phường Biên Hòa", ""],
    ]
    errors = _errors(xlsx(rows), dn_org, dn_user)
    assert (
        2,
        "Đối tượng",
        "Không có đối tượng “Tổ trưởng tổ dân vậnn”. Có phải “Tổ trưởng tổ dân vận”?",
    ) in errors
    assert any(
        r == 2 and c == "Xã/Phường" and "Có phải “Phường Biên Hòa”" in m for r, c, m in errors
    ), errors
    assert any(r == 3 and c == "Tỉnh/Thành phố" and "Đồng Nai" in m for r, c, m in errors), errors


def test_unit_outside_the_territory(dn_org: Any, dn_user: Any) -> None:
    rows = [HEADERS, [*GOOD[0][:5], "Hà Nội", "Phường Hoàn Kiếm"]]
    errors = _errors(xlsx(rows), dn_org, dn_user)
    assert any("ngoài địa bàn" in m for _r, _c, m in errors), errors


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("31/02/1980", "không có thật"),
        ("khoảng 1970", "Không hiểu ngày"),
        ("01/01/2090", "tương lai"),
        ("", "Thiếu ngày sinh"),
        ("1850", "quá xa"),
    ],
)
def test_bad_dates(dn_org: Any, dn_user: Any, value: str, message: str) -> None:
    rows = [HEADERS, [*GOOD[0][:2], value, "Nam", "", *GOOD[0][5:]]]
    errors = _errors(xlsx(rows), dn_org, dn_user)
    assert len(errors) == 1 and errors[0][:2] == (2, "Ngày sinh") and message in errors[0][2]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("07507500000", "đúng 12 chữ số (đang có 11)"),
        ("0750750000AB", "chỉ gồm chữ số"),
        ("999075000001", "mã tỉnh 999"),
        ("075080000001", "không khớp với năm sinh 1975"),
        ("075175000001", "không khớp với giới tính"),
    ],
)
def test_invalid_cccd(dn_org: Any, dn_user: Any, value: str, message: str) -> None:
    rows = [HEADERS, [*GOOD[0][:4], value, *GOOD[0][5:]]]
    errors = _errors(xlsx(rows), dn_org, dn_user)
    assert len(errors) == 1 and errors[0][:2] == (2, "Số CCCD") and message in errors[0][2]


def test_duplicate_cccd_inside_the_file_names_both_rows(dn_org: Any, dn_user: Any) -> None:
    rows = [HEADERS, GOOD[0], [3, "Lê Văn Cường", "05/05/1975", "Nam", GOOD[0][4], "", ""]]
    errors = _errors(xlsx(rows), dn_org, dn_user)
    assert [(r, c) for r, c, _m in errors] == [(2, "Số CCCD"), (3, "Số CCCD")]
    assert all("dòng 2, 3" in m for _r, _c, m in errors)


def test_duplicate_cccd_against_the_database_names_the_person(dn_org: Any, dn_user: Any) -> None:
    assert import_file(xlsx([HEADERS, GOOD[0]]), owner=dn_org, actor=dn_user).written
    rows = [HEADERS, [2, "Phạm Văn Dũng", "05/09/1975", "Nam", GOOD[0][4], "", ""]]
    errors = _errors(xlsx(rows), dn_org, dn_user)
    assert len(errors) == 1
    assert errors[0][1] == "Số CCCD" and "Nguyễn Văn An" in errors[0][2]


def test_formula_cells_are_refused_with_their_reference(dn_org: Any, dn_user: Any) -> None:
    data = xlsx([HEADERS, *GOOD], formulas={"B3": '=CONCATENATE("Trần ","Bình")'})
    errors = _errors(data, dn_org, dn_user)
    assert any(r == 3 and "Ô B3 chứa công thức" in m for r, _c, m in errors), errors
    errors = _errors(ods([HEADERS, *GOOD], formula_cell=(1, 0)), dn_org, dn_user)
    assert any(r == 2 and "Ô A2 chứa công thức" in m for r, _c, m in errors), errors
    rows = [HEADERS, [*GOOD[0][:1], "=1+2", *GOOD[0][2:]]]
    errors = _errors(csv_bytes(rows), dn_org, dn_user)
    assert any("Ô B2 chứa công thức" in m for _r, _c, m in errors), errors


def test_mixed_encodings_in_one_csv(dn_org: Any, dn_user: Any) -> None:
    """Lines pasted from offices using UTF-8 and Windows-1258 in one file: each line decodes."""
    header = ";".join(HEADERS).encode("utf-8-sig")
    first = ";".join(str(v) for v in GOOD[0]).encode("utf-8")
    second = cp1258(";".join(str(v) for v in GOOD[1]))
    assert second.decode("cp1258", errors="replace") != ";".join(str(v) for v in GOOD[1])
    outcome = import_file(b"\r\n".join([header, first, second]), owner=dn_org, actor=dn_user)
    assert outcome.check.errors == []
    assert [p.full_name for p in outcome.check.plans] == ["Nguyễn Văn An", "Trần Thị Bình"]


def test_other_field_mistakes_are_all_listed(dn_org: Any, dn_user: Any) -> None:
    rows = [
        [*HEADERS, "Điện thoại", "Dân tộc", "Tôn giáo", "Đảng viên", "Trình độ LLCT", "Email"],
        [
            *GOOD[0][:3],
            "Không rõ",
            "",
            *GOOD[0][5:],
            "12345",
            "Kinhh",
            "Phậtt giáo",
            "?",
            "X",
            "a@",
        ],
    ]
    errors = _errors(xlsx(rows), dn_org, dn_user)
    columns = {c for _r, c, _m in errors}
    assert columns == {
        "Giới tính",
        "Điện thoại",
        "Dân tộc",
        "Tôn giáo",
        "Đảng viên",
        "Trình độ LLCT",
        "Email",
    }
    assert any("Có phải “Kinh”" in m for _r, _c, m in errors)
