from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from geo.models import AdminUnit, Level, MapEdition
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_browser_requires_login(client: Any) -> None:
    response = client.get(reverse("geo:unit_browser"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_browser_lists_current_provinces_in_vietnamese_order(member: Any) -> None:
    response = client_for(member).get(reverse("geo:unit_browser"))
    assert response.status_code == 200
    names = [u.short_name for u in response.context["page"]]
    assert len(names) == 34
    assert names.index("Đồng Nai") > names.index("Điện Biên") > names.index("Đà Nẵng")
    assert names.index("Đồng Tháp") > names.index("Đồng Nai")


def test_search_folds_accents_and_finds_both_maps(member: Any) -> None:
    response = client_for(member).get(reverse("geo:unit_browser"), {"q": "loc ninh"})
    units = list(response.context["page"])
    editions = {u.edition for u in units}
    assert editions == {MapEdition.LEGACY, MapEdition.CURRENT}
    provinces = {u.parent.name for u in units if u.level == Level.COMMUNE and u.parent}
    assert len(provinces) >= 2  # "Lộc Ninh" exists in more than one province


def test_old_name_is_not_a_current_province(member: Any) -> None:
    response = client_for(member).get(
        reverse("geo:unit_browser"),
        {"q": "Bình Phước", "edition": MapEdition.CURRENT, "level": Level.PROVINCE},
    )
    assert response.status_code == 200
    assert list(response.context["page"]) == []
    assert "Không tìm thấy đơn vị nào" in response.content.decode()


def test_hoa_spellings_find_the_same_units(member: Any) -> None:
    client = client_for(member)
    old = client.get(reverse("geo:unit_browser"), {"q": "Hoà Bình", "level": "province"})
    new = client.get(reverse("geo:unit_browser"), {"q": "Hòa Bình", "level": "province"})
    assert [u.pk for u in old.context["page"]] == [u.pk for u in new.context["page"]]
    assert len(old.context["page"]) == 1


@pytest.mark.parametrize(
    ("query", "message"),
    [("x" * 500, "quá dài"), ("%%%;--", "không có chữ hoặc số"), ("\x00\x01", "không có chữ")],
)
def test_malformed_search_gets_a_vietnamese_message(member: Any, query: str, message: str) -> None:
    response = client_for(member).get(reverse("geo:unit_browser"), {"q": query})
    assert response.status_code == 400
    assert message in response.content.decode()


def test_htmx_search_returns_the_partial(member: Any) -> None:
    response = client_for(member).get(
        reverse("geo:unit_browser"), {"q": "dong xoai"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert "<html" not in body
    assert "Đồng Xoài" in body


def test_search_by_code(member: Any) -> None:
    response = client_for(member).get(reverse("geo:unit_browser"), {"q": "70", "level": "province"})
    assert [u.name for u in response.context["page"]] == ["Tỉnh Bình Phước"]


def test_unknown_unit_is_404_in_vietnamese(member: Any) -> None:
    response = client_for(member).get(reverse("geo:unit_detail", args=[999_999_999]))
    assert response.status_code == 404
    assert "Không tìm thấy" in response.content.decode()


def test_detail_of_old_district_shows_successor_communes(member: Any, loc_ninh: AdminUnit) -> None:
    response = client_for(member).get(reverse("geo:unit_detail", args=[loc_ninh.pk]))
    body = response.content.decode()
    assert "Huyện Lộc Ninh (cũ)" in body
    assert "Xã Lộc Ninh" in body and "Tỉnh Đồng Nai" in body
    assert "một phần" in body


def test_detail_of_new_commune_shows_its_predecessors(member: Any, loc_ninh: AdminUnit) -> None:
    commune = loc_ninh.successors.get(short_name="Lộc Ninh")
    response = client_for(member).get(reverse("geo:unit_detail", args=[commune.pk]))
    assert "Huyện Lộc Ninh" in response.content.decode()
    assert any(s.predecessor == loc_ninh for s in response.context["predecessions"])


def test_detail_query_count_is_bounded(
    member: Any, binh_phuoc: AdminUnit, django_assert_max_num_queries: Any
) -> None:
    client = client_for(member)
    with django_assert_max_num_queries(15):
        client.get(reverse("geo:unit_detail", args=[binh_phuoc.pk]))


def test_member_adds_a_village_in_own_district(member: Any, bu_dang: AdminUnit) -> None:
    commune = bu_dang.children.first()
    url = reverse("geo:village_create", args=[commune.pk])
    response = client_for(member).post(url, {"unit_type": "Thôn", "name": "  Thôn 3  "})
    assert response.status_code == 302
    village = AdminUnit.objects.get(parent=commune, level=Level.VILLAGE)
    assert village.name == "Thôn 3"
    assert village.path == f"{commune.path}{village.pk}/"


def test_duplicate_village_is_refused(member: Any, bu_dang: AdminUnit) -> None:
    commune = bu_dang.children.first()
    url = reverse("geo:village_create", args=[commune.pk])
    client = client_for(member)
    client.post(url, {"unit_type": "Ấp", "name": "Ấp 1"})
    response = client.post(url, {"unit_type": "Ấp", "name": "1"}, follow=True)
    assert "đã có trong xã/phường" in response.content.decode()
    assert AdminUnit.objects.filter(parent=commune, level=Level.VILLAGE).count() == 1


def test_outsider_cannot_add_a_village_in_another_district(
    outsider: Any, bu_dang: AdminUnit
) -> None:
    commune = bu_dang.children.first()
    url = reverse("geo:village_create", args=[commune.pk])
    response = client_for(outsider).post(url, {"unit_type": "Thôn", "name": "Thôn lạ"})
    assert response.status_code == 403
    assert not AdminUnit.objects.filter(parent=commune, level=Level.VILLAGE).exists()


def test_village_needs_a_commune(member: Any, bu_dang: AdminUnit) -> None:
    url = reverse("geo:village_create", args=[bu_dang.pk])
    client_for(member).post(url, {"unit_type": "Thôn", "name": "Thôn 9"})
    assert not AdminUnit.objects.filter(level=Level.VILLAGE).exists()


def test_picker_only_offers_units_in_territory(member: Any) -> None:
    response = client_for(member).get(reverse("geo:unit_picker"), {"q": "loc"})
    body = response.content.decode()
    assert "Lộc Ninh" not in body  # neighbour district
    response = client_for(member).get(reverse("geo:unit_picker"), {"q": "bu dang"})
    assert "Huyện Bù Đăng" in response.content.decode()


def test_unknown_code_says_what_codes_look_like(member: Any) -> None:
    response = client_for(member).get(reverse("geo:unit_browser"), {"q": "99999"})
    assert response.status_code == 200
    assert "Không có đơn vị nào mang mã" in response.content.decode()


def test_search_page_query_count_is_bounded(
    member: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(member)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("geo:unit_browser"), {"q": "xa"})
    assert len(response.context["page"]) == 50
