"""What identifies a person: names, citizen ID (CCCD), phone, the duplicate key.

Pure functions shared by the forms, the services and the importer; each raises
`ValueError` with a Vietnamese message the caller attaches to its field or cell.
"""

from __future__ import annotations

import datetime
import re
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from core.text import fold, normalize_text, sort_key

if TYPE_CHECKING:
    from people.models import Person

# Birth-registration province codes of the CCCD (the 63 provinces before 2025).
CCCD_PROVINCE_CODES = frozenset(
    f"{code:03d}"
    for code in (
        1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33,
        34, 35, 36, 37, 38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64,
        66, 67, 68, 70, 72, 74, 75, 77, 79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94,
        95, 96,
    )
)  # fmt: skip

_NON_DIGITS = re.compile(r"\D")
# Mobile prefixes renumbered in 2018 (11 digits -> 10 digits).
_OLD_MOBILE = {
    "0120": "070", "0121": "079", "0122": "077", "0126": "076", "0128": "078",
    "0123": "083", "0124": "084", "0125": "085", "0127": "081", "0129": "082",
    "0162": "032", "0163": "033", "0164": "034", "0165": "035", "0166": "036",
    "0167": "037", "0168": "038", "0169": "039", "0186": "056", "0188": "058",
    "0199": "059",
}  # fmt: skip


def split_full_name(full_name: str) -> tuple[str, str, str]:
    """ "Nguyễn Thị Minh Khai" -> ("Nguyễn", "Thị Minh", "Khai")."""
    parts = normalize_text(full_name).split(" ")
    if len(parts) < 2 or not all(parts):
        raise ValueError(_("Họ và tên phải có ít nhất họ và tên."))
    return parts[0], " ".join(parts[1:-1]), parts[-1]


def person_fill_derived(person: Person) -> None:
    """Full name, search form, Vietnamese sort key and duplicate key of `person`."""
    person.family_name = normalize_text(person.family_name)
    person.middle_name = normalize_text(person.middle_name)
    person.given_name = normalize_text(person.given_name)
    person.full_name = " ".join(
        p for p in (person.family_name, person.middle_name, person.given_name) if p
    )
    person.name_folded = fold(person.full_name)
    # Vietnamese order: given name, then middle, then family name.
    person.sort_key = sort_key(f"{person.given_name} {person.middle_name} {person.family_name}")
    if person.birth_date is not None:
        person.birth_year = person.birth_date.year
    person.identity_key = identity_key(
        person.name_folded, person.birth_date, person.birth_year, commune_of(person)
    )


def commune_of(person: Person) -> int | None:
    """The commune of the person's home unit (a village's parent), for the duplicate key."""
    unit = person.home_unit if person.home_unit_id else None
    if unit is None:
        return None
    return unit.parent_id if unit.level == "village" else unit.pk


def identity_key(
    name_folded: str,
    birth_date: datetime.date | None,
    birth_year: int | None,
    commune_id: int | None,
) -> str:
    """Same folded name + birth + commune = a likely duplicate; "" when too little is known."""
    if birth_date is not None:
        birth = birth_date.isoformat()
    elif birth_year:
        birth = str(birth_year)
    else:
        return ""
    if commune_id is None:
        return ""
    return f"{name_folded}|{birth}|{commune_id}"


def normalize_citizen_id(raw: str, *, sex: str = "", birth_year: int | None = None) -> str:
    """A valid 12-digit CCCD, or ValueError saying what is wrong with it.

    Digits 1–3: the province of birth registration; digit 4: sex and century
    (0/1 1900s, 2/3 2000s; even male, odd female); digits 5–6: year of birth.
    """
    value = re.sub(r"[\s.\-]", "", str(raw))
    if not value:
        return ""
    if not value.isdigit() or not value.isascii():
        raise ValueError(_("Số CCCD chỉ gồm chữ số."))
    if len(value) != 12:
        raise ValueError(
            _("Số CCCD phải gồm đúng 12 chữ số (đang có %(count)s).") % {"count": len(value)}
        )
    if value[:3] not in CCCD_PROVINCE_CODES:
        raise ValueError(_("Số CCCD có mã tỉnh %(code)s không tồn tại.") % {"code": value[:3]})
    century_sex = int(value[3])
    if birth_year is not None:
        century = 1900 + 100 * (century_sex // 2)
        if century + int(value[4:6]) != birth_year:
            raise ValueError(_("Số CCCD không khớp với năm sinh %(year)s.") % {"year": birth_year})
    if sex:
        female = century_sex % 2 == 1
        if female != (sex == "nu"):
            raise ValueError(_("Số CCCD không khớp với giới tính."))
    return value


def normalize_phone(raw: str) -> str:
    """Vietnamese phone in one form: "+84 912.345.678" -> "0912345678"."""
    text = str(raw).strip()
    if not text:
        return ""
    if re.search(r"[^\d\s.\-()+]", text):
        raise ValueError(_("Số điện thoại chỉ gồm chữ số (có thể có +84)."))
    digits = _NON_DIGITS.sub("", text)
    if digits.startswith("84") and (text.startswith("+") or len(digits) in (11, 12)):
        digits = "0" + digits[2:]
    elif not digits.startswith("0") and len(digits) in (9, 10):
        # Spreadsheets drop the leading zero of numbers.
        digits = "0" + digits
    if len(digits) == 11 and digits[:4] in _OLD_MOBILE:
        digits = _OLD_MOBILE[digits[:4]] + digits[4:]
    mobile = len(digits) == 10 and digits[1] in "35789"
    landline = len(digits) == 11 and digits[1] == "2"
    if not (mobile or landline):
        raise ValueError(
            _("Số điện thoại %(value)s không đúng dạng số Việt Nam.") % {"value": text}
        )
    return digits
