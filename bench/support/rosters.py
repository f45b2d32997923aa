"""Real-looking rosters of people for the import benchmark and the import tests.

Rows use the template's Vietnamese headers, names drawn from common Vietnamese
family, middle and given names, valid CCCDs (province code, sex-and-century
digit, year of birth), phones, categories and the communes of a territory.
`with_mistakes` then spoils chosen cells the way real files go wrong.

Import only after `django.setup()`.
"""

from __future__ import annotations

import datetime
import io
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped]

from geo.models import AdminUnit, Level, MapEdition
from people.identity import CCCD_PROVINCE_CODES
from people.reference import CATEGORIES

HEADERS = [
    "STT",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Số CCCD",
    "Dân tộc",
    "Tôn giáo",
    "Điện thoại",
    "Chức vụ",
    "Tỉnh/Thành phố",
    "Xã/Phường",
    "Đối tượng",
    "Trình độ LLCT",
    "Đảng viên",
]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
          "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Điểu", "Thị", "K'", "Lâm"]  # fmt: skip
MIDDLE_M = ["Văn", "Hữu", "Đức", "Công", "Minh", "Quang", "Thanh", "Xuân", "Đình", "Ngọc Anh"]
MIDDLE_F = ["Thị", "Thị Thu", "Thị Ngọc", "Thị Hồng", "Thanh", "Ngọc", "Thị Kim", "Mai"]
GIVEN_M = ["An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hùng", "Khoa", "Long", "Minh", "Nam",
           "Phúc", "Quân", "Sơn", "Tâm", "Thắng", "Toàn", "Trung", "Tuấn", "Việt",
           "Vinh"]  # fmt: skip
GIVEN_F = ["Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Mai",
           "Nga", "Ngọc", "Nhung", "Oanh", "Phương", "Thảo", "Trang", "Tuyết", "Yến"]  # fmt: skip
ETHNIC = ["Kinh"] * 8 + ["Xtiêng", "Tày", "Nùng", "Khmer", "Mnông", "Hoa"]
RELIGION = ["Không"] * 6 + ["Phật giáo", "Công giáo", "Tin lành", "Cao Đài"]
POSITIONS = ["Tổ trưởng tổ dân vận", "Bí thư chi bộ", "Trưởng thôn", "Chủ tịch Hội Nông dân xã",
             "Phó Chủ tịch UBMTTQ xã", "Công chức văn phòng",
             "Trưởng ban công tác Mặt trận"]  # fmt: skip
LEVELS = ["", "", "Sơ cấp", "Trung cấp", "Cao cấp"]
PROVINCE_CODES = sorted(CCCD_PROVINCE_CODES)


@dataclass(frozen=True)
class Place:
    province: str
    commune: str


def places(territory: AdminUnit, limit: int = 400) -> list[Place]:
    """Communes of `territory` on the current map, with their province, by name."""
    units = AdminUnit.objects.filter(
        edition=MapEdition.CURRENT, level=Level.COMMUNE, path__startswith=territory.path
    ).select_related("parent")
    found: list[Place] = []
    seen: set[str] = set()
    for unit in units.order_by("sort_key")[: limit * 2]:
        if unit.short_name in seen or unit.parent is None:
            continue  # same-named communes would need a district to tell apart
        seen.add(unit.short_name)
        found.append(Place(unit.parent.short_name, unit.short_name))
        if len(found) >= limit:
            break
    return found


def people_rows(
    count: int, where: Sequence[Place], *, seed: int = 7, first_id: int = 0
) -> list[list[Any]]:
    """A header row and `count` correct rows (unique CCCDs, unique people)."""
    rng = random.Random(seed)
    rows: list[list[Any]] = [list(HEADERS)]
    categories = [name for _code, name in CATEGORIES]
    for index in range(count):
        female = rng.random() < 0.4
        year = rng.randint(1955, 2000)
        birth = datetime.date(year, rng.randint(1, 12), rng.randint(1, 28))
        name = " ".join(
            (
                rng.choice(FAMILY[:16]),
                rng.choice(MIDDLE_F if female else MIDDLE_M),
                rng.choice(GIVEN_F if female else GIVEN_M),
            )
        )
        century_sex = (0 if year < 2000 else 2) + (1 if female else 0)
        serial = first_id + index
        citizen_id = (
            f"{PROVINCE_CODES[serial % len(PROVINCE_CODES)]}{century_sex}{year % 100:02d}"
            f"{serial // len(PROVINCE_CODES):06d}"
        )
        place = where[index % len(where)]
        rows.append(
            [
                index + 1,
                name,
                birth.strftime("%d/%m/%Y") if index % 3 else birth,
                "Nữ" if female else "Nam",
                citizen_id,
                rng.choice(ETHNIC),
                rng.choice(RELIGION),
                f"09{rng.randint(10_000_000, 99_999_999)}",
                rng.choice(POSITIONS),
                place.province,
                place.commune,
                rng.choice(categories),
                rng.choice(LEVELS),
                "x" if rng.random() < 0.7 else "",
            ]
        )
    return rows


@dataclass(frozen=True)
class Mistake:
    row: int  # sheet row number
    column: str  # header
    kind: str


# kind -> (column, spoiled value); "dup-cccd" copies another row's CCCD.
SPOILERS: dict[str, tuple[str, Any]] = {
    "date-impossible": ("Ngày sinh", "31/02/1980"),
    "date-text": ("Ngày sinh", "khoảng 1970"),
    "date-future": ("Ngày sinh", "01/01/2090"),
    "sex": ("Giới tính", "Không rõ"),
    "cccd-short": ("Số CCCD", "07408300123"),
    "cccd-letters": ("Số CCCD", "07408A001234"),
    "cccd-province": ("Số CCCD", "999083001234"),
    "phone": ("Điện thoại", "12345"),
    "ethnicity": ("Dân tộc", "Kinhh"),
    "religion": ("Tôn giáo", "Phật giáoo"),
    "commune": ("Xã/Phường", "Xã Không Tồn Tại"),
    "province": ("Tỉnh/Thành phố", "Tỉnh Atlantis"),
    "category": ("Đối tượng", "Tổ trưởng tổ dân vậnn"),
    "level": ("Trình độ LLCT", "Siêu cấp"),
    "party": ("Đảng viên", "có lẽ"),
    "name": ("Họ và tên", "Nguyễn"),
}


def with_mistakes(
    rows: list[list[Any]], count: int, *, seed: int = 11
) -> tuple[list[list[Any]], list[Mistake]]:
    """A copy of `rows` with `count` mistakes in distinct rows, and where they are."""
    rng = random.Random(seed)
    spoiled = [list(row) for row in rows]
    kinds = [*SPOILERS, "dup-cccd"]
    targets = rng.sample(range(1, len(rows)), count)
    mistakes: list[Mistake] = []
    cccd = HEADERS.index("Số CCCD")
    for number, index in enumerate(list(targets)):
        kind = kinds[number % len(kinds)]
        if kind == "dup-cccd":
            # Copy the CCCD of a row that is otherwise correct: both rows are named.
            source = next(i for i in range(1, len(rows)) if i not in targets)
            targets.append(source)
            # The same CCCD, birth and sex (a person typed twice under another name).
            for index_ in (cccd, HEADERS.index("Ngày sinh"), HEADERS.index("Giới tính")):
                spoiled[index][index_] = spoiled[source][index_]
            mistakes.append(Mistake(index + 1, "Số CCCD", kind))
            mistakes.append(Mistake(source + 1, "Số CCCD", kind))
            continue
        column, value = SPOILERS[kind]
        spoiled[index][HEADERS.index(column)] = value
        mistakes.append(Mistake(index + 1, column, kind))
    return spoiled, mistakes


def xlsx_bytes(rows: Sequence[Sequence[Any]], *, title: str = "") -> bytes:
    """Rows as an .xlsx (openpyxl write-only: flat memory for 100,000 rows)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Danh sách")
    if title:
        sheet.append([title])
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
