"""Cell values to field values; each parser raises ValueError with a Vietnamese message.

Parsers are pure and cached where the same text repeats down a column (sexes,
ethnicities, categories, units), because a roster repeats them on every row.
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Iterable
from functools import lru_cache

from django.utils.translation import gettext as _

from core.text import fold, normalize_text
from ingest.reading import Cell
from people.models import Sex, TheoryLevel
from people.reference import ETHNICITIES, RELIGIONS

EXCEL_EPOCH = datetime.date(1899, 12, 30)
MIN_YEAR = 1900
_DMY = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
_YEAR = re.compile(r"^(?:nam\s*)?(\d{4})$")
_MONTH_YEAR = re.compile(r"^(?:thang\s*)?(\d{1,2})\s*[/.\-]\s*(\d{4})$")


_TEXT_CACHE: dict[str, str] = {}


def cell_text(value: Cell) -> str:
    """A cell as text: numbers without a trailing ".0", everything NFC and trimmed."""
    if type(value) is str:
        # Rosters repeat the same words down a column: normalise each text once.
        cached = _TEXT_CACHE.get(value)
        if cached is None:
            if len(_TEXT_CACHE) > 200_000:
                _TEXT_CACHE.clear()
            plain = value.isascii() and "  " not in value
            cached = value.strip() if plain else normalize_text(value)
            _TEXT_CACHE[value] = cached
        return cached
    if value is None:
        return ""
    if isinstance(value, bool):
        return "x" if value else ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _year_of_two_digits(two: int, today: datetime.date) -> int:
    year = 2000 + two
    return year if year <= today.year else 1900 + two


def _checked(year: int, month: int, day: int, text: str, today: datetime.date) -> datetime.date:
    try:
        result = datetime.date(year, month, day)
    except ValueError:
        raise ValueError(_("Ngày “%(value)s” không có thật.") % {"value": text}) from None
    if year < MIN_YEAR:
        raise ValueError(
            _("Năm %(year)s quá xa (trước %(min)s).") % {"year": year, "min": MIN_YEAR}
        )
    if result > today:
        raise ValueError(_("Ngày “%(value)s” ở tương lai.") % {"value": text})
    return result


def parse_date(value: Cell, *, today: datetime.date) -> tuple[datetime.date | None, int | None]:
    """(date, year) from any form a roster uses; a year alone gives (None, year).

    Accepted: calamine dates, Excel serial numbers, dd/mm/yyyy, d-m-yy,
    d.m.yyyy, yyyy-mm-dd, "1975", "năm 1975", "3/1975" (month and year: the
    year is kept).
    """
    if value is None or value == "":
        return None, None
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        checked = _checked(value.year, value.month, value.day, value.strftime("%d/%m/%Y"), today)
        return checked, checked.year
    if isinstance(value, bool):
        raise ValueError(_("Không hiểu ngày “%(value)s”.") % {"value": value})
    if isinstance(value, int | float):
        number = float(value)
        if number.is_integer() and MIN_YEAR <= number <= today.year:
            return None, int(number)
        if 1 <= number < 2_958_466:
            day = EXCEL_EPOCH + datetime.timedelta(days=int(number))
            text = day.strftime("%d/%m/%Y")
            checked = _checked(day.year, day.month, day.day, text, today)
            return checked, checked.year
        raise ValueError(_("Không hiểu ngày “%(value)s”.") % {"value": cell_text(value)})
    text = cell_text(value)
    if not text:
        return None, None
    folded = fold(text)
    match = _DMY.match(text)
    if match:
        day_, month, year_text = (int(g) for g in match.groups())
        year = year_text if len(match.group(3)) == 4 else _year_of_two_digits(year_text, today)
        checked = _checked(year, month, day_, text, today)
        return checked, checked.year
    match = _YMD.match(text)
    if match:
        year, month, day_ = (int(g) for g in match.groups())
        checked = _checked(year, month, day_, text, today)
        return checked, checked.year
    match = _YEAR.match(folded)
    if match:
        year = int(match.group(1))
        _checked(year, 1, 1, text, today)
        return None, year
    match = _MONTH_YEAR.match(folded)
    if match:
        month, year = int(match.group(1)), int(match.group(2))
        _checked(year, month, 1, text, today)
        return None, year
    raise ValueError(
        _("Không hiểu ngày “%(value)s”: hãy ghi dd/mm/yyyy (ví dụ 05/09/1975) hoặc năm sinh.")
        % {"value": text}
    )


_SEXES = {
    "nam": Sex.MALE.value,
    "m": Sex.MALE.value,
    "male": Sex.MALE.value,
    "nu": Sex.FEMALE.value,
    "f": Sex.FEMALE.value,
    "female": Sex.FEMALE.value,
}


def parse_sex(text: str) -> str:
    if not text:
        return ""
    sex = _SEXES.get(fold(text))
    if sex is None:
        raise ValueError(_("Giới tính “%(value)s”: hãy ghi Nam hoặc Nữ.") % {"value": text})
    return sex


def closest(text: str, names: Iterable[str]) -> str:
    """The name nearest to `text` (accents ignored), or "" when none is near."""
    by_folded = {fold(name): name for name in names}
    found = difflib.get_close_matches(fold(text), list(by_folded), n=1, cutoff=0.6)
    return by_folded[found[0]] if found else ""


def unknown_message(what: str, text: str, names: Iterable[str]) -> str:
    suggestion = closest(text, names)
    if suggestion:
        return _("Không có %(what)s “%(value)s”. Có phải “%(suggestion)s”?") % {
            "what": what,
            "value": text,
            "suggestion": suggestion,
        }
    return _("Không có %(what)s “%(value)s”.") % {"what": what, "value": text}


def _coded_lookup(items: list[tuple[str, str, tuple[str, ...]]]) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for code, name, aliases in items:
        lookup[code] = code
        for alias in (name, *aliases):
            lookup[fold(alias)] = code
            lookup[fold(alias).replace("-", " ")] = code
            lookup[fold(alias).replace("-", "").replace(" ", "")] = code
    return lookup


_ETHNICITY = _coded_lookup(ETHNICITIES)
_RELIGION = _coded_lookup(RELIGIONS)


@lru_cache(maxsize=512)
def parse_ethnicity(text: str) -> str:
    if not text:
        return ""
    key = fold(text)
    code = _ETHNICITY.get(key) or _ETHNICITY.get(key.replace("-", " "))
    code = code or _ETHNICITY.get(key.replace("-", "").replace(" ", ""))
    if code is None:
        raise ValueError(unknown_message(_("dân tộc"), text, [n for _c, n, _a in ETHNICITIES]))
    return code


@lru_cache(maxsize=512)
def parse_religion(text: str) -> str:
    if not text:
        return ""
    key = fold(text)
    code = _RELIGION.get(key) or _RELIGION.get(key.replace("-", " "))
    if code is None:
        raise ValueError(unknown_message(_("tôn giáo"), text, [n for _c, n, _a in RELIGIONS]))
    return code


_THEORY = {
    "so cap": TheoryLevel.ELEMENTARY.value,
    "trung cap": TheoryLevel.INTERMEDIATE.value,
    "cao cap": TheoryLevel.ADVANCED.value,
    "cu nhan": TheoryLevel.BACHELOR.value,
    "chua co": "",
    "khong": "",
}


@lru_cache(maxsize=64)
def parse_theory_level(text: str) -> str:
    if not text:
        return ""
    key = fold(text).replace("_", " ")
    for prefix in ("trinh do ", "llct "):
        key = key.removeprefix(prefix)
    level = _THEORY.get(key)
    if level is None:
        raise ValueError(
            unknown_message(_("trình độ lý luận"), text, [str(c.label) for c in TheoryLevel if c])
        )
    return level


_YES = {"x", "co", "yes", "1", "dang vien", "dv", "true", "v", "✓"}
_NO = {"", "khong", "no", "0", "false", "-"}


def parse_yes_no(text: str) -> bool:
    key = fold(text)
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise ValueError(
        _("“%(value)s”: hãy ghi “x” hoặc “Có” nếu đúng, để trống nếu không.") % {"value": text}
    )


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")


def parse_email(text: str) -> str:
    if text and not _EMAIL.match(text):
        raise ValueError(_("Địa chỉ thư điện tử “%(value)s” không đúng dạng.") % {"value": text})
    return text.lower()


def citizen_id_text(value: Cell) -> str:
    """A CCCD cell as digits: spreadsheets store it as a number and drop the leading zero."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
        if number.is_integer() and 0 < number < 10**12:
            return f"{int(number):012d}"
    return cell_text(value)
