from __future__ import annotations

from core.text import fold, normalize_text, sort_key, tokens


def test_fold_removes_accents_and_dd() -> None:
    assert fold("Bình Phước") == "binh phuoc"
    assert fold("Đồng Xoài") == "dong xoai"
    assert fold("Hoà") == fold("Hòa") == "hoa"  # old and new tone placement


def test_fold_handles_decomposed_input() -> None:
    decomposed = "Ho\u0300a"  # "Hòa" typed with a combining grave accent
    assert fold(decomposed) == "hoa"
    assert normalize_text(decomposed) == "Hòa"


def test_vietnamese_order_puts_dd_after_d_and_uw_after_u() -> None:
    names = ["Đồng Xoài", "Zô", "Dĩ An", "Ưa", "Út", "Uông Bí", "Vĩnh Long", "Ea Súp"]
    assert sorted(names, key=sort_key) == [
        "Dĩ An",
        "Đồng Xoài",
        "Ea Súp",
        "Uông Bí",
        "Út",
        "Ưa",
        "Vĩnh Long",
        "Zô",
    ]


def test_vowel_letters_order_a_aw_aa() -> None:
    assert sorted(["Âu", "Ăn", "An"], key=sort_key) == ["An", "Ăn", "Âu"]
    assert sorted(["Ơn", "Ôn", "On"], key=sort_key) == ["On", "Ôn", "Ơn"]


def test_tone_is_secondary_and_numbers_natural() -> None:
    assert sorted(["Hạ Long", "Hà Nội"], key=sort_key) == ["Hạ Long", "Hà Nội"]
    assert sorted(["Phường 10", "Phường 2", "Phường 1"], key=sort_key) == [
        "Phường 1",
        "Phường 2",
        "Phường 10",
    ]
    assert sort_key("An") < sort_key("An Bình")


def test_sort_key_is_ascii() -> None:
    assert sort_key("Đắk Lắk — Buôn Ma Thuột 2").isascii()


def test_tokens_drop_punctuation_and_control_characters() -> None:
    assert tokens("  Lộc\x00 Ninh; DROP TABLE--  ") == ["loc", "ninh", "drop", "table"]
    assert tokens("%%%") == []
