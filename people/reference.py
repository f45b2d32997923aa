"""The trainee categories DESIGN.md §1.3 names; users may add more."""

from __future__ import annotations

from typing import Any

CATEGORIES = [
    ("to-truong-to-dan-van", "Tổ trưởng tổ dân vận"),
    ("bi-thu-chi-bo", "Bí thư chi bộ"),
    ("can-bo-dan-van-xa", "Cán bộ dân vận cấp xã"),
    ("can-bo-dan-van-huyen", "Cán bộ dân vận cấp huyện"),
    ("can-bo-dan-van-tinh", "Cán bộ dân vận cấp tỉnh"),
    ("mttq-doan-the", "Lãnh đạo MTTQ và các đoàn thể"),
    ("ban-chi-dao-qcdc", "Thành viên ban chỉ đạo thực hiện quy chế dân chủ ở cơ sở"),
    ("dan-van-chinh-quyen", "Cán bộ phụ trách công tác dân vận chính quyền, cơ quan"),
    ("cong-an-quan-su-xa", "Công an, quân sự cấp xã"),
    ("luc-luong-cot-can", "Lực lượng cốt cán"),
    ("nguoi-co-uy-tin", "Người có uy tín trong đồng bào dân tộc thiểu số, tôn giáo"),
    ("khac", "Đối tượng khác"),
]


def seed_trainee_categories(model: Any) -> None:
    """Create the standard categories that are missing (the model may be historical)."""
    for order, (code, name) in enumerate(CATEGORIES, start=1):
        model.objects.get_or_create(code=code, defaults={"name": name, "order": order * 10})


# The 54 ethnic groups with the codes of the General Statistics Office
# (Quyết định 121-TCTK/PPCĐ); aliases are other spellings seen in rosters.
ETHNICITIES: list[tuple[str, str, tuple[str, ...]]] = [
    ("01", "Kinh", ("Việt", "Kinh (Việt)")),
    ("02", "Tày", ()),
    ("03", "Thái", ()),
    ("04", "Hoa", ("Hán",)),
    ("05", "Khmer", ("Khơ-me", "Khơ Me", "Khơme")),
    ("06", "Mường", ()),
    ("07", "Nùng", ()),
    ("08", "Mông", ("Hmông", "H'Mông", "Hmong", "Mèo")),
    ("09", "Dao", ()),
    ("10", "Gia-rai", ("Jrai", "Gia Rai")),
    ("11", "Ngái", ()),
    ("12", "Ê-đê", ("Ê Đê", "Ede", "Rhađê")),
    ("13", "Ba-na", ("Bana", "Bahnar")),
    ("14", "Xơ-đăng", ("Xê Đăng", "Sedang")),
    ("15", "Sán Chay", ("Cao Lan", "Sán Chỉ")),
    ("16", "Cơ-ho", ("K'Ho", "Kơ Ho")),
    ("17", "Chăm", ("Chàm",)),
    ("18", "Sán Dìu", ()),
    ("19", "Hrê", ("H're",)),
    ("20", "Mnông", ("M'Nông", "Mơ Nông")),
    ("21", "Ra-glai", ("Raglai", "Rắc Lây")),
    ("22", "Xtiêng", ("Stiêng", "S'tiêng", "Xa Điêng")),
    ("23", "Bru-Vân Kiều", ("Vân Kiều", "Bru")),
    ("24", "Thổ", ()),
    ("25", "Giáy", ()),
    ("26", "Cơ-tu", ("Katu", "Ca Tu")),
    ("27", "Gié-Triêng", ("Giẻ Triêng", "Triêng", "Gié")),
    ("28", "Mạ", ()),
    ("29", "Khơ-mú", ("Khơ Mú", "Xá Cẩu")),
    ("30", "Co", ("Cor",)),
    ("31", "Tà-ôi", ("Tà Ôi", "Pa Cô")),
    ("32", "Chơ-ro", ("Chơ Ro", "Châu Ro")),
    ("33", "Kháng", ()),
    ("34", "Xinh-mun", ("Xinh Mun",)),
    ("35", "Hà Nhì", ()),
    ("36", "Chu-ru", ("Chu Ru",)),
    ("37", "Lào", ()),
    ("38", "La Chí", ()),
    ("39", "La Ha", ()),
    ("40", "Phù Lá", ()),
    ("41", "La Hủ", ()),
    ("42", "Lự", ()),
    ("43", "Lô Lô", ()),
    ("44", "Chứt", ()),
    ("45", "Mảng", ()),
    ("46", "Pà Thẻn", ()),
    ("47", "Cơ Lao", ("Co Lao",)),
    ("48", "Cống", ()),
    ("49", "Bố Y", ()),
    ("50", "Si La", ()),
    ("51", "Pu Péo", ()),
    ("52", "Brâu", ()),
    ("53", "Ơ Đu", ()),
    ("54", "Rơ-măm", ("Rơ Măm",)),
]

# Religions recognised in Việt Nam, plus "none" and "other".
RELIGIONS: list[tuple[str, str, tuple[str, ...]]] = [
    ("khong", "Không", ("Không tôn giáo", "Không có")),
    ("phat-giao", "Phật giáo", ("Đạo Phật",)),
    ("cong-giao", "Công giáo", ("Thiên Chúa giáo", "Đạo Thiên Chúa", "Công giáo La Mã")),
    ("tin-lanh", "Tin lành", ("Đạo Tin lành",)),
    ("cao-dai", "Cao Đài", ("Đạo Cao Đài",)),
    ("hoa-hao", "Phật giáo Hòa Hảo", ("Hòa Hảo",)),
    ("hoi-giao", "Hồi giáo", ("Islam",)),
    ("bahai", "Baha'i", ("Bahá'í",)),
    ("tinh-do-cu-si", "Tịnh độ Cư sĩ Phật hội Việt Nam", ()),
    ("co-doc-phuc-lam", "Cơ đốc Phục lâm", ()),
    ("tu-an-hieu-nghia", "Phật giáo Tứ Ân Hiếu Nghĩa", ()),
    ("minh-su-dao", "Minh Sư Đạo", ()),
    ("minh-ly-dao", "Minh Lý Đạo - Tam Tông Miếu", ("Minh Lý Đạo",)),
    ("ba-la-mon", "Bà-la-môn", ("Bà La Môn",)),
    ("mac-mon", "Mặc môn", ("Các Thánh hữu Ngày sau",)),
    ("hieu-nghia-ta-lon", "Phật giáo Hiếu Nghĩa Tà Lơn", ()),
    ("buu-son-ky-huong", "Bửu Sơn Kỳ Hương", ()),
    ("khac", "Tôn giáo khác", ()),
]
