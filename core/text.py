"""Vietnamese text helpers: accent folding for search and a collation key.

Databases here sort bytes (PostgreSQL C.UTF-8, SQLite BINARY), which puts
"Đ" after "Z" and "Ư" after "Z". We store a key whose byte order is the
Vietnamese alphabetical order (a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t
u ư v x y), with tones as a secondary level, so `ORDER BY sort_key` is right
on every backend without ICU.
"""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_TONE_MARKS = {
    "\u0300": 2,  # huyền
    "\u0309": 3,  # hỏi
    "\u0303": 4,  # ngã
    "\u0301": 5,  # sắc
    "\u0323": 6,  # nặng
}
# Letter-forming marks: breve (ă), circumflex (â ê ô), horn (ơ ư).
_LETTER_MARKS = {"\u0306": "(", "\u0302": "^", "\u031b": "+"}

_ALPHABET = [
    "a",
    "a(",
    "a^",
    "b",
    "c",
    "d",
    "đ",
    "e",
    "e^",
    "f",
    "g",
    "h",
    "i",
    "j",
    "k",
    "l",
    "m",
    "n",
    "o",
    "o^",
    "o+",
    "p",
    "q",
    "r",
    "s",
    "t",
    "u",
    "u+",
    "v",
    "w",
    "x",
    "y",
    "z",
]
# Two-character codes from [a-z] keep the key pure ASCII letters; digits sort
# before letters, a space before everything.
_CODES = {
    letter: "b" + chr(ord("a") + i) if i < 26 else "c" + chr(ord("a") + i - 26)
    for i, letter in enumerate(_ALPHABET)
}

_SPACE_RE = re.compile(r"\s+")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


def normalize_text(value: str) -> str:
    """NFC, no control characters, single spaces."""
    value = _CONTROL_RE.sub(" ", unicodedata.normalize("NFC", value))
    return _SPACE_RE.sub(" ", value).strip()


# Control characters a typed note may not keep (tab and line feed stay).
_NOTE_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean_note(value: object, *, field: str, limit: int, key: str | None = None) -> str:
    """A free-text note (a reason, a comment) typed by a user: NFC, trimmed, line
    breaks kept, no control characters (PostgreSQL refuses a NUL in text);
    ValidationError naming `field` when longer than `limit` (on form field `key`)."""
    text = str(value if value is not None else "").replace("\r\n", "\n").replace("\r", "\n")
    text = _NOTE_CONTROL_RE.sub("", unicodedata.normalize("NFC", text)).strip()
    if len(text) > limit:
        message = _("“%(field)s” dài %(n)d ký tự, tối đa %(limit)d ký tự.") % {
            "field": field,
            "n": len(text),
            "limit": limit,
        }
        raise ValidationError({key: message} if key else message)
    return text


def shorten(value: str, limit: int = 40) -> str:
    """`value` cut for echoing back in a message (a hostile 5,000-digit input)."""
    return value if len(value) <= limit else value[: limit - 1] + "…"


def fold(value: str) -> str:
    """Lower-case, accent-free form used for search: "Hoà", "Hòa" -> "hoa"."""
    decomposed = unicodedata.normalize("NFD", normalize_text(value).lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace("đ", "d")


def _letters(value: str) -> list[tuple[str, int]]:
    """Split into (base letter with vowel marks, tone number) pairs."""
    result: list[tuple[str, int]] = []
    for char in normalize_text(value).lower():
        base = ""
        tone = 1
        for part in unicodedata.normalize("NFD", char):
            if part in _TONE_MARKS:
                tone = _TONE_MARKS[part]
            elif part in _LETTER_MARKS:
                base += _LETTER_MARKS[part]
            elif unicodedata.combining(part):
                continue
            else:
                base += part
        result.append((base, tone))
    return result


def sort_key(value: str) -> str:
    """A string whose byte order is the Vietnamese dictionary order of `value`."""
    primary: list[str] = []
    secondary: list[str] = []
    digits = ""
    for base, tone in [*_letters(value), ("", 1)]:
        if base.isdigit() and base.isascii():
            digits += base
            continue
        if digits:
            # Numbers sort by value: "Phường 2" before "Phường 10".
            digits = digits.lstrip("0") or "0"
            primary.append("1" + chr(ord("a") + min(len(digits), 25)) + digits)
            digits = ""
        if base == " ":
            primary.append("a")
        elif base in _CODES:
            primary.append(_CODES[base])
            secondary.append(str(tone))
        elif base and base.isalnum():
            primary.append("d" + format(ord(base[0]) % 10000, "04d"))
    # "0" separates the levels and sorts before every code: "An" < "An Bình" < "An 1".
    return "".join(primary) + "0" + "".join(secondary)


def tokens(value: str) -> list[str]:
    """Folded words of a search query, without characters that mean nothing."""
    cleaned = re.sub(r"[^\w\s-]", " ", fold(value))
    return [token for token in cleaned.replace("-", " ").split() if token]
