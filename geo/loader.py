"""Load both editions of the map from the `vietnamadminunits` package.

The package ships a SQLite file with the 63-province map (provinces,
districts, communes, centroids) and the 34-province map (provinces, communes),
plus a JSON file mapping every old commune to its new commune(s). We read its
data files directly: they are the maintained source, and the package's own
Python API pulls in geocoding we do not want at run time.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from django.db import connection, transaction
from django.db.models import CharField, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat

from core.text import fold, normalize_text, sort_key
from geo.models import LEGACY_END_DATE, REFORM_DATE, AdminUnit, Level, MapEdition, UnitSuccession

Progress = Callable[[str, int, int], None]


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    updated: int = 0
    successions: int = 0


def _data_dir() -> Path:
    return Path(str(resources.files("vietnamadminunits") / "data"))


def _rows(sql: str) -> Iterator[sqlite3.Row]:
    connection = sqlite3.connect(f"file:{_data_dir() / 'dataset.db'}?mode=ro", uri=True)
    connection.row_factory = sqlite3.Row
    try:
        yield from connection.execute(sql)
    finally:
        connection.close()


UNIT_TYPES = ["Thành phố", "Tỉnh", "Quận", "Huyện", "Thị xã", "Phường", "Thị trấn", "Xã", "Đặc khu"]


def _canonical(name: str, unit_type: str) -> tuple[str, str]:
    """Make name and type agree.

    The source writes "Thành Phố Đồng Hới" and "Thị Xã Buôn Hồ", and types a few
    units against their official name ("Phường 5" typed "Xã"): the name wins.
    """
    lowered = name.lower()
    for known in UNIT_TYPES:
        if lowered.startswith(known.lower() + " "):
            return known + name[len(known) :], known
    return name, unit_type


def _province_type(name: str) -> str:
    return "Thành phố" if name.startswith("Thành phố") else "Tỉnh"


def _unit(
    *,
    edition: str,
    level: str,
    unit_type: str,
    code: str,
    name: str,
    short_name: str,
    lat: float | None,
    lon: float | None,
) -> AdminUnit:
    name, unit_type = _canonical(normalize_text(name), unit_type or "")
    short_name = normalize_text(short_name)
    legacy = edition == MapEdition.LEGACY
    return AdminUnit(
        edition=edition,
        level=level,
        unit_type=unit_type,
        code=code,
        name=name,
        short_name=short_name,
        valid_from=None if legacy else REFORM_DATE,
        valid_to=LEGACY_END_DATE if legacy else None,
        latitude=lat,
        longitude=lon,
        name_folded=fold(name),
        sort_key=sort_key(short_name),
    )


class _Batch:
    """Creates units level by level, skipping those already loaded (idempotent)."""

    def __init__(self, report: LoadReport) -> None:
        self.report = report
        self.by_key: dict[tuple[str, str, str], AdminUnit] = {
            (u.edition, u.level, u.code): u for u in AdminUnit.objects.exclude(code="")
        }

    def add(self, units: Sequence[tuple[AdminUnit, AdminUnit | None]]) -> None:
        fresh: list[AdminUnit] = []
        changed: list[AdminUnit] = []
        for unit, parent in units:
            unit.parent = parent
            existing = self.by_key.get((unit.edition, unit.level, unit.code))
            if existing is None:
                fresh.append(unit)
                continue
            if (existing.name, existing.unit_type, existing.parent_id) != (
                unit.name,
                unit.unit_type,
                unit.parent_id,
            ):
                existing.name, existing.short_name = unit.name, unit.short_name
                existing.unit_type = unit.unit_type
                existing.name_folded, existing.sort_key = unit.name_folded, unit.sort_key
                existing.parent = parent
                changed.append(existing)
        for unit in AdminUnit.objects.bulk_create(fresh, batch_size=2000):
            self.by_key[(unit.edition, unit.level, unit.code)] = unit
            self.report.created[f"{unit.edition}:{unit.level}"] += 1
        if changed:
            AdminUnit.objects.bulk_update(
                changed,
                ["name", "short_name", "unit_type", "name_folded", "sort_key", "parent"],
                batch_size=500,
            )
            self.report.updated += len(changed)

    def get(self, edition: str, level: str, code: str) -> AdminUnit:
        return self.by_key[(edition, level, code)]


def _country(report: LoadReport) -> AdminUnit:
    """The root shared by both maps: national bodies (Ban Dân vận Trung ương) sit here."""
    country, created = AdminUnit.objects.get_or_create(
        level=Level.COUNTRY,
        code="VN",
        defaults={
            "edition": MapEdition.CURRENT,
            "unit_type": "Quốc gia",
            "name": "Việt Nam",
            "short_name": "Việt Nam",
            "name_folded": fold("Việt Nam"),
            "sort_key": sort_key("Việt Nam"),
            "path": "",
        },
    )
    if created:
        report.created["country"] += 1
    return country


def _analyze() -> None:
    """Fresh statistics after a bulk load: without them PostgreSQL plans joins on
    these tables as if they were empty (seconds instead of milliseconds)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {AdminUnit._meta.db_table}, {UnitSuccession._meta.db_table}")


def _common_path(paths: list[str]) -> str:
    """ "/1/75/900/" and "/1/75/901/" -> "/1/75/": the smallest unit holding both."""
    parts = [p.strip("/").split("/") for p in paths]
    common: list[str] = []
    for segments in zip(*parts, strict=False):
        if len(set(segments)) != 1:
            break
        common.append(segments[0])
    return "/" + "/".join(common) + "/" if common else ""


def fill_covered_paths() -> None:
    """covered_path of every old unit from its successors; villages take their commune's."""
    successor_paths: dict[int, list[str]] = defaultdict(list)
    for old_id, new_path in UnitSuccession.objects.values_list("predecessor_id", "successor__path"):
        successor_paths[old_id].append(new_path)
    changed = []
    for unit in AdminUnit.objects.filter(edition=MapEdition.LEGACY).exclude(level=Level.VILLAGE):
        covered = _common_path(successor_paths.get(unit.pk, []))
        if unit.covered_path != covered:
            unit.covered_path = covered
            changed.append(unit)
    AdminUnit.objects.bulk_update(changed, ["covered_path"], batch_size=2000)
    for village in AdminUnit.objects.filter(
        edition=MapEdition.LEGACY, level=Level.VILLAGE
    ).select_related("parent"):
        if village.parent is not None and village.covered_path != village.parent.covered_path:
            village.covered_path = village.parent.covered_path
            village.save(update_fields=["covered_path"])


def _fill_paths() -> None:
    """path = parent's path + own id, computed in the database level by level."""
    for level in (Level.COUNTRY, Level.PROVINCE, Level.DISTRICT, Level.COMMUNE, Level.VILLAGE):
        parent_path = AdminUnit.objects.filter(pk=OuterRef("parent_id")).values("path")[:1]
        AdminUnit.objects.filter(level=level).update(
            path=Concat(
                Coalesce(Subquery(parent_path), Value("/")),
                Cast("id", output_field=CharField()),
                Value("/"),
                output_field=CharField(),
            )
        )


@transaction.atomic
def geography_load(progress: Progress | None = None) -> LoadReport:
    """Create or refresh every unit of both maps and the old -> new mapping."""
    report = LoadReport()
    batch = _Batch(report)
    step = progress or (lambda label, done, total: None)
    total = 6
    legacy, current = MapEdition.LEGACY, MapEdition.CURRENT

    country = _country(report)
    legacy_rows = list(_rows("SELECT * FROM admin_units_legacy ORDER BY wardCode"))
    current_rows = list(_rows("SELECT * FROM admin_units ORDER BY wardCode"))

    def level_from(
        rows: list[sqlite3.Row],
        edition: str,
        level: str,
        column: str,
        parent: Callable[[sqlite3.Row], AdminUnit],
    ) -> None:
        """One level of one map; the source repeats a province on each commune row."""
        seen: set[str] = set()
        units: list[tuple[AdminUnit, AdminUnit | None]] = []
        for r in rows:
            code = r[f"{column}Code"]
            if not code or code in seen:
                continue
            seen.add(code)
            unit_type = _province_type(r[column]) if level == Level.PROVINCE else r[f"{column}Type"]
            unit = _unit(
                edition=edition,
                level=level,
                unit_type=unit_type,
                code=code,
                name=r[column],
                short_name=r[f"{column}Short"],
                lat=r[f"{column}Lat"],
                lon=r[f"{column}Lon"],
            )
            units.append((unit, parent(r)))
        batch.add(units)

    level_from(legacy_rows, legacy, Level.PROVINCE, "province", lambda r: country)
    step("Tỉnh (bản đồ cũ)", 1, total)
    level_from(
        legacy_rows,
        legacy,
        Level.DISTRICT,
        "district",
        lambda r: batch.get(legacy, Level.PROVINCE, r["provinceCode"]),
    )
    step("Huyện (bản đồ cũ)", 2, total)
    level_from(
        legacy_rows,
        legacy,
        Level.COMMUNE,
        "ward",
        lambda r: batch.get(legacy, Level.DISTRICT, r["districtCode"]),
    )
    step("Xã (bản đồ cũ)", 3, total)
    level_from(current_rows, current, Level.PROVINCE, "province", lambda r: country)
    level_from(
        current_rows,
        current,
        Level.COMMUNE,
        "ward",
        lambda r: batch.get(current, Level.PROVINCE, r["provinceCode"]),
    )
    step("Xã, phường (bản đồ mới)", 4, total)

    _fill_paths()
    report.successions = _load_successions(batch, legacy_rows, current_rows)
    fill_covered_paths()
    _analyze()
    step("Kế thừa cũ → mới", 5, total)
    step("Xong", 6, total)
    return report


def _load_successions(
    batch: _Batch, legacy_rows: list[sqlite3.Row], current_rows: list[sqlite3.Row]
) -> int:
    legacy, current = MapEdition.LEGACY, MapEdition.CURRENT
    with (_data_dir() / "converter_2025.json").open(encoding="utf-8") as handle:
        converter = json.load(handle)

    new_province_by_key = {r["provinceKey"]: r["provinceCode"] for r in current_rows}
    new_commune_by_key = {(r["provinceKey"], r["wardKey"]): r["wardCode"] for r in current_rows}
    old_province_by_key: dict[str, str] = {}
    old_district_by_key: dict[str, tuple[str, str]] = {}
    old_commune_by_key: dict[str, tuple[str, str]] = {}
    for r in legacy_rows:
        old_province_by_key[r["provinceKey"]] = r["provinceCode"]
        old_district_by_key[f"{r['provinceKey']}_{r['districtKey']}_"] = (
            r["districtCode"],
            r["provinceCode"],
        )
        if r["wardCode"]:
            key = f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey']}"
            old_commune_by_key[key] = (r["wardCode"], r["districtCode"])

    # (predecessor id, successor id) -> (partial, is_default)
    links: dict[tuple[int, int], tuple[bool, bool]] = {}

    def link(old: AdminUnit, new: AdminUnit, *, partial: bool, default: bool) -> None:
        links[(old.pk, new.pk)] = (partial, default)

    for new_key, old_keys in converter["DICT_PROVINCE"].items():
        new = batch.get(current, Level.PROVINCE, new_province_by_key[new_key])
        for old_key in old_keys:
            old = batch.get(legacy, Level.PROVINCE, old_province_by_key[old_key])
            link(old, new, partial=False, default=True)

    district_successors: dict[str, set[int]] = defaultdict(set)
    for province_key, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for ward_key, old_keys in wards.items():
            new = batch.get(current, Level.COMMUNE, new_commune_by_key[(province_key, ward_key)])
            for old_key in old_keys:
                if old_key in old_district_by_key:  # island district without communes
                    district_code = old_district_by_key[old_key][0]
                    old = batch.get(legacy, Level.DISTRICT, district_code)
                    link(old, new, partial=False, default=True)
                    continue
                ward_code, district_code = old_commune_by_key[old_key]
                link(batch.get(legacy, Level.COMMUNE, ward_code), new, partial=False, default=True)
                district_successors[district_code].add(new.pk)
    for province_key, olds in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, targets in olds.items():
            ward_code, district_code = old_commune_by_key[old_key]
            old = batch.get(legacy, Level.COMMUNE, ward_code)
            for target in targets:
                code = new_commune_by_key[(province_key, target["newWardKey"])]
                new = batch.get(current, Level.COMMUNE, code)
                link(old, new, partial=len(targets) > 1, default=bool(target["isDefaultNewWard"]))
                district_successors[district_code].add(new.pk)

    units_by_pk = {u.pk: u for u in batch.by_key.values()}
    for district_code, successor_ids in district_successors.items():
        old = batch.get(legacy, Level.DISTRICT, district_code)
        for successor_id in successor_ids:
            link(old, units_by_pk[successor_id], partial=len(successor_ids) > 1, default=False)

    existing = set(UnitSuccession.objects.values_list("predecessor_id", "successor_id"))
    UnitSuccession.objects.bulk_create(
        [
            UnitSuccession(predecessor_id=old_id, successor_id=new_id, partial=p, is_default=d)
            for (old_id, new_id), (p, d) in links.items()
            if (old_id, new_id) not in existing
        ],
        batch_size=2000,
    )
    return len(links)
