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
