"""Reference data an import matches against, loaded once per file: units, categories, employers.

Every lookup answers from dictionaries keyed by folded text, so a 100,000-row
roster costs a handful of queries, and caches its answers (a roster repeats
the same commune and category on thousands of rows).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.scope import territory_units_q, units_in_scope
from core.text import fold, normalize_text
from geo.models import AdminUnit, Level, MapEdition
from ingest.parsers import unknown_message
from orgs.models import Organization
from people.models import TraineeCategory

UNIT_KEYS = (
    ("province", Level.PROVINCE),
    ("district", Level.DISTRICT),
    ("commune", Level.COMMUNE),
    ("village", Level.VILLAGE),
)
LEVEL_WORDS: dict[str, Promise] = {
    Level.PROVINCE: gettext_lazy("tỉnh/thành phố"),
    Level.DISTRICT: gettext_lazy("quận/huyện"),
    Level.COMMUNE: gettext_lazy("xã/phường"),
    Level.VILLAGE: gettext_lazy("thôn/tổ dân phố"),
}


@dataclass(frozen=True, slots=True)
class UnitInfo:
    pk: int
    level: str
    edition: str
    parent_id: int | None
    name: str
    in_scope: bool
    exact: tuple[str, ...] = ()  # lower-case names with accents, to tell "Thành" from "Thạnh"

    @property
    def commune_id(self) -> int:
        """The commune of the duplicate key: a village counts as its commune."""
        return self.parent_id if self.level == Level.VILLAGE and self.parent_id else self.pk


UnitResult = tuple[UnitInfo | None, list[tuple[str, str]]]


class Units:
    """Units a row may name: the actor's territory, and the units above it by name."""

    def __init__(self, *, actor: Any, owner: Organization) -> None:
        if actor is not None:
            scope = units_in_scope(actor)
        else:
            scope = AdminUnit.objects.filter(territory_units_q(owner.territory, ""))
        territory = owner.territory
        fields = ("pk", "level", "edition", "parent_id", "name", "short_name", "name_folded")
        self.units: dict[int, UnitInfo] = {}
        self._children: dict[tuple[int | None, str, str], list[int]] = defaultdict(list)
        self._by_level: dict[tuple[str, str], list[int]] = defaultdict(list)
        self._names_under: dict[tuple[int | None, str], list[str]] = defaultdict(list)
        above = AdminUnit.objects.filter(pk__in=territory.ancestor_ids()) if territory else None
        rows = list(scope.exclude(level=Level.COUNTRY).values_list(*fields))
        if above is not None:
            rows += list(above.exclude(level=Level.COUNTRY).values_list(*fields))
        in_scope_count = len(rows) - (above.count() if above is not None else 0)
        for index, (pk, level, edition, parent_id, name, short_name, folded) in enumerate(rows):
            if pk in self.units:
                continue
            exact = (name.lower(), short_name.lower())
            info = UnitInfo(pk, level, edition, parent_id, name, index < in_scope_count, exact)
            self.units[pk] = info
            for key in {folded, fold(short_name)}:
                self._children[(parent_id, level, key)].append(pk)
                self._by_level[(level, key)].append(pk)
            self._names_under[(parent_id, level)].append(name)
        self._cache: dict[tuple[str, str, str, str], UnitResult] = {}

    def villages_known(self, commune_id: int) -> bool:
        return bool(self._names_under.get((commune_id, Level.VILLAGE)))

    def resolve(self, province: str, district: str, commune: str, village: str) -> UnitResult:
        """The deepest unit named (or None) and the (column key, message) errors."""
        key = (province, district, commune, village)
        cached = self._cache.get(key)
        if cached is None:
            cached = self._resolve(key)
            self._cache[key] = cached
        return cached

    def _pick(self, pks: list[int], edition: str) -> list[int]:
        if edition:
            return [pk for pk in pks if self.units[pk].edition == edition]
        current = [pk for pk in pks if self.units[pk].edition == MapEdition.CURRENT]
        return current or pks

    def _resolve(self, texts: tuple[str, str, str, str]) -> UnitResult:
        # A district is named only on the old map: it fixes the edition.
        edition = MapEdition.LEGACY if texts[1] else ""
        parent: UnitInfo | None = None
        for (column, level), text in zip(UNIT_KEYS, texts, strict=True):
            if not text:
                continue
            folded = fold(text)
            if parent is not None:
                pks = self._children.get((parent.pk, level, folded), [])
            else:
                pks = self._pick(self._by_level.get((level, folded), []), edition)
            if len(pks) > 1:
                lowered = normalize_text(text).lower()
                pks = [pk for pk in pks if lowered in self.units[pk].exact] or pks
            if len(pks) > 1:
                return None, [
                    (
                        column,
                        _("Có %(count)s %(level)s tên “%(value)s”: hãy ghi thêm cấp trên.")
                        % {"count": len(pks), "level": str(LEVEL_WORDS[level]), "value": text},
                    )
                ]
            if not pks:
                if (
                    level == Level.VILLAGE
                    and parent is not None
                    and not self.villages_known(parent.pk)
                ):
                    # The commune's villages are not registered: the commune stands for them.
                    break
                return None, [(column, self._unknown(level, text, parent))]
            parent = self.units[pks[0]]
        if parent is not None and not parent.in_scope:
            return None, [
                (
                    "commune",
                    _("%(unit)s nằm ngoài địa bàn bạn quản lý: hãy ghi đến xã/phường.")
                    % {"unit": parent.name},
                )
            ]
        return parent, []

    def _unknown(self, level: str, text: str, parent: UnitInfo | None) -> str:
        names = self._names_under.get((parent.pk if parent else None, level), [])
        if parent is None:
            names = [u.name for u in self.units.values() if u.level == level] or names
        message = unknown_message(str(LEVEL_WORDS[level]), text, names)
        if parent is not None:
            message += " " + _("(trong %(parent)s)") % {"parent": parent.name}
        outside = AdminUnit.objects.filter(
            Q(name_folded=fold(text)) | Q(short_name__iexact=text), level=level
        ).exists()
        if outside:
            message = _("%(level)s “%(value)s” nằm ngoài địa bàn bạn quản lý.") % {
                "level": str(LEVEL_WORDS[level]).capitalize(),
                "value": text,
            }
        return message


class Categories:
    def __init__(self) -> None:
        self._by_key: dict[str, int] = {}
        self.names: list[str] = []
        self.by_pk: dict[int, str] = {}
        for pk, code, name in TraineeCategory.objects.filter(is_active=True).values_list(
            "pk", "code", "name"
        ):
            self._by_key[fold(name)] = pk
            self._by_key[code] = pk
            self.names.append(name)
            self.by_pk[pk] = name
        self._cache: dict[str, tuple[list[int], list[str]]] = {}

    def parse(self, text: str) -> tuple[list[int], list[str]]:
        """Category ids of a cell ("A; B" or one per line) and messages for unknown ones."""
        cached = self._cache.get(text)
        if cached is not None:
            return cached
        pks: list[int] = []
        errors: list[str] = []
        parts = [p.strip() for p in text.replace("\n", ";").split(";")] if text else []
        if len(parts) == 1 and parts[0] and fold(parts[0]) not in self._by_key:
            parts = [p.strip() for p in parts[0].split(",")]
        for part in parts:
            if not part:
                continue
            pk = self._by_key.get(fold(part))
            if pk is None:
                errors.append(unknown_message(_("đối tượng"), part, self.names))
            elif pk not in pks:
                pks.append(pk)
        self._cache[text] = (pks, errors)
        return pks, errors


class Employers:
    """Organisations named in "Cơ quan công tác", matched by folded name."""

    def __init__(self, *, actor: Any, owner: Organization) -> None:
        from core.scope import restrict

        queryset = Organization.objects.all()
        if actor is not None:
            queryset = restrict(queryset, actor) | Organization.objects.filter(pk=owner.pk)
        self._by_key: dict[str, int] = {}
        self.names: list[str] = []
        for pk, name, folded in queryset.values_list("pk", "name", "name_folded"):
            self._by_key.setdefault(folded or fold(name), pk)
            self.names.append(name)
        self._cache: dict[str, tuple[int | None, str]] = {}

    def parse(self, text: str) -> tuple[int | None, str]:
        if not text:
            return None, ""
        cached = self._cache.get(text)
        if cached is None:
            pk = self._by_key.get(fold(text))
            cached = (pk, "" if pk else unknown_message(_("cơ quan"), text, self.names))
            self._cache[text] = cached
        return cached
