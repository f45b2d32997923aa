from __future__ import annotations

import re

import pytest
from django.db.models import Exists, OuterRef

from geo.loader import geography_load
from geo.models import AdminUnit, Level, MapEdition, UnitSuccession
from geo.selectors import geography_counts

pytestmark = pytest.mark.django_db

CURRENT, LEGACY = MapEdition.CURRENT, MapEdition.LEGACY


def test_counts_of_both_maps() -> None:
    counts = geography_counts()
    assert counts["current provinces"] == 34
    assert counts["legacy provinces"] == 63
    assert counts["current communes"] == 3321
    assert counts["legacy districts"] == 696
    assert 10_000 <= counts["legacy communes"] <= 10_100
    assert counts["legacy communes without successor"] == 0


def test_every_legacy_commune_maps_to_a_current_commune() -> None:
    to_current_commune = UnitSuccession.objects.filter(
        predecessor=OuterRef("pk"),
        successor__level=Level.COMMUNE,
        successor__edition=CURRENT,
    )
    unmapped = AdminUnit.objects.filter(edition=LEGACY, level=Level.COMMUNE).exclude(
        Exists(to_current_commune)
    )
    assert unmapped.count() == 0


def test_no_district_level_on_current_map() -> None:
    assert not AdminUnit.objects.filter(edition=CURRENT, level=Level.DISTRICT).exists()
    communes = AdminUnit.objects.filter(edition=CURRENT, level=Level.COMMUNE)
    assert not communes.exclude(parent__level=Level.PROVINCE).exists()


def test_names_types_and_codes_agree() -> None:
    units = AdminUnit.objects.exclude(level=Level.COUNTRY)
    mismatched = [u.name for u in units if not u.name.startswith(u.unit_type + " ")]
    assert mismatched == []
    widths = {Level.PROVINCE: 2, Level.DISTRICT: 3, Level.COMMUNE: 5}
    for level, width in widths.items():
        codes = AdminUnit.objects.filter(level=level).values_list("code", flat=True)
        assert all(re.fullmatch(rf"\d{{{width}}}", code) for code in codes), level


def test_paths_nest_under_the_parent() -> None:
    assert not AdminUnit.objects.filter(path="").exists()
    commune = AdminUnit.objects.filter(level=Level.COMMUNE, edition=LEGACY).select_related(
        "parent__parent__parent"
    )[0]
    assert commune.path.startswith(commune.parent.path)
    assert commune.path.endswith(f"/{commune.pk}/")
    country = AdminUnit.objects.get(level=Level.COUNTRY)
    assert commune.path.startswith(country.path)


def test_binh_phuoc_is_now_part_of_dong_nai() -> None:
    binh_phuoc = AdminUnit.objects.get(edition=LEGACY, level=Level.PROVINCE, code="70")
    assert binh_phuoc.name == "Tỉnh Bình Phước"
    assert [u.name for u in binh_phuoc.successors.all()] == ["Tỉnh Đồng Nai"]
    assert not AdminUnit.objects.filter(
        edition=CURRENT, name_folded__contains="binh phuoc", level=Level.PROVINCE
    ).exists()


def test_loc_ninh_district_maps_to_communes_of_dong_nai() -> None:
    loc_ninh = AdminUnit.objects.get(edition=LEGACY, level=Level.DISTRICT, name="Huyện Lộc Ninh")
    successors = list(loc_ninh.successors.select_related("parent"))
    assert len(successors) >= 2
    assert {s.parent.name for s in successors} == {"Tỉnh Đồng Nai"}
    assert all(link.partial for link in loc_ninh.succession_out.all())
    # and the reverse: today's commune Lộc Ninh lists the old units it came from
    commune = next(s for s in successors if s.short_name == "Lộc Ninh")
    assert loc_ninh in commune.predecessors.all()


def test_split_communes_are_flagged_partial() -> None:
    split = UnitSuccession.objects.filter(partial=True, predecessor__level=Level.COMMUNE)
    assert split.exists()
    for link in split[:20]:
        assert link.predecessor.successors.count() > 1


def test_island_districts_map_to_special_zones() -> None:
    con_dao = AdminUnit.objects.get(edition=LEGACY, level=Level.DISTRICT, name="Huyện Côn Đảo")
    assert [u.unit_type for u in con_dao.successors.all()] == ["Đặc khu"]


def test_load_is_idempotent() -> None:
    before = (AdminUnit.objects.count(), UnitSuccession.objects.count())
    report = geography_load()
    assert sum(report.created.values()) == 0
    assert (AdminUnit.objects.count(), UnitSuccession.objects.count()) == before
