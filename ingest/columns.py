"""The columns an import understands and how headers are matched to them.

A header matches when its folded form (no accents, lower case, punctuation as
spaces) equals one of the column's aliases folded the same way, so "HỌ TÊN",
"Họ và tên" and "ho ten" are all the full name; the order of the columns does
not matter, and columns nobody knows are ignored (and listed in the preview).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.text import fold
from ingest.reading import Cell

_PUNCTUATION = re.compile(r"[^a-z0-9]+")


def fold_header(value: object) -> str:
    """ "Số CCCD/CMND:" -> "so cccd cmnd"."""
    return _PUNCTUATION.sub(" ", fold(str(value or ""))).strip()


@dataclass(frozen=True)
class Column:
    key: str
    title: object  # the template's header (a lazy translation)
    aliases: tuple[str, ...]
    width: int = 16


COLUMNS: tuple[Column, ...] = (
    Column("row_number", gettext_lazy("STT"), ("stt", "tt", "so tt", "so thu tu"), 6),
    Column(
        "full_name",
        gettext_lazy("Họ và tên"),
        ("ho va ten", "ho ten", "ho va ten hoc vien", "ho ten hoc vien", "ten hoc vien"),
        26,
    ),
    Column("family_name", gettext_lazy("Họ"), ("ho",), 10),
    Column("middle_name", gettext_lazy("Tên đệm"), ("ten dem", "chu dem", "ten lot"), 12),
    Column("given_name", gettext_lazy("Tên"), ("ten",), 10),
    Column(
        "birth",
        gettext_lazy("Ngày sinh"),
        (
            "ngay sinh",
            "nam sinh",
            "ngay thang nam sinh",
            "sinh ngay",
            "ngay sinh nam sinh",
            "ngay thang nam",
        ),
        12,
    ),
    Column("sex", gettext_lazy("Giới tính"), ("gioi tinh", "gioi", "nam nu", "phai"), 9),
    Column(
        "citizen_id",
        gettext_lazy("Số CCCD"),
        (
            "so cccd",
            "cccd",
            "can cuoc",
            "can cuoc cong dan",
            "so can cuoc",
            "so can cuoc cong dan",
            "so dinh danh",
            "so dinh danh ca nhan",
            "cmnd cccd",
            "so cmnd cccd",
        ),
        15,
    ),
    Column("ethnicity", gettext_lazy("Dân tộc"), ("dan toc",), 10),
    Column("religion", gettext_lazy("Tôn giáo"), ("ton giao",), 12),
    Column(
        "phone",
        gettext_lazy("Điện thoại"),
        ("dien thoai", "sdt", "so dien thoai", "dt", "di dong", "so dt", "dien thoai di dong"),
        13,
    ),
    Column("email", gettext_lazy("Email"), ("email", "e mail", "thu dien tu"), 22),
    Column("position", gettext_lazy("Chức vụ"), ("chuc vu", "chuc danh", "chuc vu chuc danh"), 22),
    Column(
        "organization",
        gettext_lazy("Cơ quan công tác"),
        ("co quan cong tac", "don vi cong tac", "noi cong tac", "co quan", "co quan don vi"),
        26,
    ),
    Column(
        "province",
        gettext_lazy("Tỉnh/Thành phố"),
        ("tinh", "tinh thanh pho", "tinh tp", "tinh thanh"),
        16,
    ),
    Column(
        "district",
        gettext_lazy("Quận/Huyện (trước 01/7/2025)"),
        ("huyen", "quan huyen", "huyen thi xa thanh pho", "quan huyen truoc 01 7 2025", "huyen cu"),
        18,
    ),
    Column(
        "commune",
        gettext_lazy("Xã/Phường"),
        ("xa phuong", "xa", "phuong xa", "xa phuong thi tran", "phuong"),
        18,
    ),
    Column(
        "village",
        gettext_lazy("Thôn/Ấp/Tổ dân phố"),
        ("thon ap to dan pho", "thon", "ap", "khu pho", "thon to", "thon ap", "to dan pho"),
        18,
    ),
    Column(
        "categories",
        gettext_lazy("Đối tượng"),
        ("doi tuong", "loai doi tuong", "nhom doi tuong", "doi tuong hoc vien"),
        30,
    ),
    Column(
        "theory_level",
        gettext_lazy("Trình độ LLCT"),
        ("trinh do llct", "llct", "ly luan chinh tri", "trinh do ly luan chinh tri"),
        12,
    ),
    Column("is_party_member", gettext_lazy("Đảng viên"), ("dang vien", "la dang vien"), 9),
    Column("party_joined_on", gettext_lazy("Ngày vào Đảng"), ("ngay vao dang",), 12),
    Column("note", gettext_lazy("Ghi chú"), ("ghi chu",), 20),
)
BY_KEY = {column.key: column for column in COLUMNS}
_ALIASES = {alias: column.key for column in COLUMNS for alias in column.aliases}
# Columns of the downloadable template, in order (split-name columns are accepted, not offered).
TEMPLATE_KEYS = tuple(
    c.key for c in COLUMNS if c.key not in ("family_name", "middle_name", "given_name")
)
HEADER_SEARCH_ROWS = 15


class HeaderError(ValueError):
    pass


@dataclass
class HeaderMap:
    row_index: int  # 0-based index of the header row in the table
    positions: dict[str, int]  # column key -> 0-based column index
    headers: list[str]  # the header row as written
    ignored: list[str]

    def title(self, key: str) -> str:
        """The header the file used for `key` (for messages), else the template's."""
        if key in self.positions:
            return self.headers[self.positions[key]]
        return str(BY_KEY[key].title)


def _match(row: Sequence[Cell]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, value in enumerate(row):
        key = _ALIASES.get(fold_header(value))
        if key and key not in found:
            found[key] = index
    return found


def match_headers(rows: Sequence[Sequence[Cell]]) -> HeaderMap:
    """Find the header row (title lines above it are common) and map its columns."""
    best_index, best = -1, dict[str, int]()
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found = _match(row)
        if len(found) > len(best):
            best_index, best = index, found
    if len(best) < 2:
        raise HeaderError(
            _(
                "Không tìm thấy dòng tiêu đề: cần các cột như “Họ và tên”, “Ngày sinh”, "
                "“Số CCCD” trong %(rows)s dòng đầu."
            )
            % {"rows": HEADER_SEARCH_ROWS}
        )
    has_name = "full_name" in best or ("family_name" in best and "given_name" in best)
    if not has_name:
        raise HeaderError(
            _("Thiếu cột bắt buộc “Họ và tên” (hoặc hai cột “Họ” và “Tên”) ở dòng tiêu đề %(row)s.")
            % {"row": best_index + 1}
        )
    if "birth" not in best:
        raise HeaderError(
            _("Thiếu cột bắt buộc “Ngày sinh” (hoặc “Năm sinh”) ở dòng tiêu đề %(row)s.")
            % {"row": best_index + 1}
        )
    headers = ["" if v is None else str(v).strip() for v in rows[best_index]]
    used = set(best.values())
    ignored = [h for i, h in enumerate(headers) if h and i not in used]
    return HeaderMap(row_index=best_index, positions=best, headers=headers, ignored=ignored)
