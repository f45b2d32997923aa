"""Checking a table of people row by row, then against itself and the database.

`check_table` collects every mistake as (row, column, message) without
writing anything, and decides each row's outcome: create a person, update
the person with the same CCCD, merge into the one person with the same name,
birth and commune (no CCCD given), or reject. Lookups of existing people go
by chunked IN queries; there is no query per row.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext as _

from core.scope import CHANGE, VIEW, restrict
from core.text import fold, sort_key
from ingest import parsers
from ingest.columns import HeaderMap, match_headers
from ingest.lookups import Categories, Employers, Units
from ingest.reading import Cell, Table, column_letter
from orgs.models import Organization
from people.identity import identity_key, normalize_citizen_id, normalize_phone
from people.models import Person

Progress = Callable[[int, int], None]
CHUNK = 900  # keeps IN lists under every backend's parameter limit
PROGRESS_EVERY = 2000
SAMPLE_SIZE = 10


def _max_length(name: str) -> int:
    return int(getattr(Person._meta.get_field(name), "max_length", 0) or 0)


def _label(name: str) -> str:
    return str(getattr(Person._meta.get_field(name), "verbose_name", name)).capitalize()


# Text written as it is by raw INSERT/COPY: the database refuses anything longer.
# (row value or derived value, the column it comes from)
TEXT_LIMITS: tuple[tuple[str, str], ...] = (
    ("family_name", "family_name"),
    ("middle_name", "middle_name"),
    ("given_name", "given_name"),
    ("phone", "phone"),
    ("email", "email"),
    ("position", "position"),
)
DERIVED_LIMITS: tuple[str, ...] = ("full_name", "name_folded", "sort_key", "identity_key")


class Outcome(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    MERGE = "merge"
    REJECT = "reject"


# Person fields a row may set, in the order of the history and the preview.
PERSON_FIELDS = (
    "family_name",
    "middle_name",
    "given_name",
    "birth_date",
    "birth_year",
    "sex",
    "citizen_id",
    "ethnicity",
    "religion",
    "phone",
    "email",
    "position",
    "organization_id",
    "home_unit_id",
    "theory_level",
    "is_party_member",
    "party_joined_on",
)


@dataclass(frozen=True, slots=True)
class RowError:
    row: int  # the sheet's row number (1-based)
    column: str  # the header as the file wrote it ("" for the whole row)
    message: str
    col_index: int | None = None

    @property
    def cell(self) -> str:
        if self.col_index is None:
            return str(self.row)
        return f"{column_letter(self.col_index)}{self.row}"


@dataclass(slots=True)
class RowPlan:
    row: int
    values: dict[str, Any]
    categories: list[int]
    derived: dict[str, str]
    commune_id: int | None
    outcome: Outcome = Outcome.CREATE
    person_id: int | None = None
    errors: list[RowError] = field(default_factory=list)

    @property
    def full_name(self) -> str:
        return self.derived.get("full_name", "")


@dataclass
class CheckResult:
    header: HeaderMap
    plans: list[RowPlan]
    errors: list[RowError]
    table: Table
    existing: dict[int, dict[str, Any]] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        counts = Counter(plan.outcome.value for plan in self.plans)
        return {outcome.value: counts.get(outcome.value, 0) for outcome in Outcome}

    @property
    def valid_plans(self) -> list[RowPlan]:
        return [plan for plan in self.plans if plan.outcome != Outcome.REJECT]

    def summary(self) -> dict[str, Any]:
        """JSON for the job: counts, a sample of rows per outcome, the errors (capped)."""
        samples: dict[str, list[dict[str, Any]]] = {o.value: [] for o in Outcome}
        for plan in self.plans:
            bucket = samples[plan.outcome.value]
            if len(bucket) < SAMPLE_SIZE:
                values = plan.values
                birth = values.get("birth_date") or values.get("birth_year") or ""
                bucket.append(
                    {
                        "row": plan.row,
                        "name": plan.full_name,
                        "birth": birth.strftime("%d/%m/%Y")
                        if isinstance(birth, datetime.date)
                        else str(birth),
                        "citizen_id": values.get("citizen_id", ""),
                        "person": self.existing.get(plan.person_id or 0, {}).get("full_name", ""),
                        "message": "; ".join(e.message for e in plan.errors),
                    }
                )
        return {
            "rows": len(self.plans),
            "counts": self.counts,
            "samples": samples,
            "error_count": len(self.errors),
            "errors": [[e.row, e.column, e.message] for e in self.errors[:2000]],
            "ignored_columns": self.header.ignored,
            "format": self.table.file_format,
            "encoding": self.table.encoding,
        }


@lru_cache(maxsize=65536)
def _word_keys(word: str) -> tuple[str, str]:
    """The (primary, secondary) parts of one word's sort key."""
    primary, _sep, secondary = sort_key(word).rpartition("0")
    return primary, secondary


def _name_sort_key(given: str, middle: str, family: str) -> str:
    """`core.text.sort_key` of "given middle family", built from cached words.

    The key of a phrase is its words' primary parts joined by the code of a
    space, then "0", then the secondary parts; words with digits or signs
    (whose primary part may hold a "0") go through `sort_key` whole.
    """
    words = f"{given} {middle} {family}".split(" ")
    primaries: list[str] = []
    secondaries: list[str] = []
    for word in words:
        if not word.isalpha():
            return sort_key(f"{given} {middle} {family}")
        primary, secondary = _word_keys(word)
        primaries.append(primary)
        secondaries.append(secondary)
    return "a".join(primaries) + "0" + "".join(secondaries)


@lru_cache(maxsize=65536)
def _fold_name(full_name: str) -> str:
    return fold(full_name)


class Checker:
    """Checks a table for one owner organisation on behalf of `actor` (None: the system)."""

    def __init__(self, *, actor: Any, owner: Organization, today: datetime.date) -> None:
        self.actor = actor
        self.owner = owner
        self.today = today
        self.units = Units(actor=actor, owner=owner)
        self.categories = Categories()
        self.employers = Employers(actor=actor, owner=owner)

    # --- one row ---------------------------------------------------------------------------

    def _row(self, number: int, raw: list[Cell], header: HeaderMap) -> RowPlan:
        positions = header.positions
        errors: list[RowError] = []
        width = len(raw)

        def cell(key: str) -> Cell:
            index = positions.get(key)
            return raw[index] if index is not None and index < width else None

        def text(key: str) -> str:
            return parsers.cell_text(cell(key))

        def fail(key: str, message: str) -> None:
            errors.append(RowError(number, header.title(key), message, positions.get(key)))

        values: dict[str, Any] = {}
        # Name.
        if "full_name" in positions:
            full = text("full_name")
            if not full:
                fail("full_name", _("Thiếu họ và tên."))
                family = middle = given = ""
            else:
                parts = full.split(" ")
                if len(parts) < 2:
                    fail("full_name", _("Họ và tên phải có ít nhất họ và tên."))
                    family = middle = given = ""
                else:
                    family, middle, given = parts[0], " ".join(parts[1:-1]), parts[-1]
        else:
            family, middle, given = text("family_name"), text("middle_name"), text("given_name")
            if not family:
                fail("family_name", _("Thiếu họ."))
            if not given:
                fail("given_name", _("Thiếu tên."))
        if any(ch.isdigit() for ch in family + middle + given):
            fail("full_name" if "full_name" in positions else "given_name", _("Họ tên có chữ số."))
        values["family_name"], values["middle_name"], values["given_name"] = family, middle, given
        # Birth.
        birth_date: datetime.date | None = None
        birth_year: int | None = None
        try:
            birth_date, birth_year = parsers.parse_date(cell("birth"), today=self.today)
        except ValueError as error:
            fail("birth", str(error))
        else:
            if birth_year is None:
                fail("birth", _("Thiếu ngày sinh hoặc năm sinh."))
            elif birth_year > self.today.year - 14:
                fail("birth", _("Năm sinh %(year)s: người dưới 15 tuổi.") % {"year": birth_year})
        values["birth_date"], values["birth_year"] = birth_date, birth_year
        # Sex, then the CCCD that encodes sex and year of birth.
        sex = ""
        try:
            sex = parsers.parse_sex(text("sex"))
        except ValueError as error:
            fail("sex", str(error))
        values["sex"] = sex
        citizen_id = ""
        raw_id = parsers.citizen_id_text(cell("citizen_id"))
        if raw_id:
            try:
                citizen_id = normalize_citizen_id(raw_id, sex=sex, birth_year=birth_year)
            except ValueError as error:
                fail("citizen_id", str(error))
        values["citizen_id"] = citizen_id
        for key, parse in (
            ("ethnicity", parsers.parse_ethnicity),
            ("religion", parsers.parse_religion),
            ("phone", normalize_phone),
            ("email", parsers.parse_email),
            ("theory_level", parsers.parse_theory_level),
        ):
            value = text(key)
            try:
                values[key] = parse(value) if value else ""
            except ValueError as error:
                fail(key, str(error))
                values[key] = ""
        values["position"] = text("position")
        employer, message = self.employers.parse(text("organization"))
        if message:
            fail("organization", message)
        values["organization_id"] = employer
        # Units.
        unit, unit_errors = self.units.resolve(
            text("province"), text("district"), text("commune"), text("village")
        )
        for key, message in unit_errors:
            fail(key if key in positions else "commune", message)
        values["home_unit_id"] = unit.pk if unit else None
        categories, category_errors = self.categories.parse(text("categories"))
        for message in category_errors:
            fail("categories", message)
        try:
            member = parsers.parse_yes_no(text("is_party_member"))
        except ValueError as error:
            fail("is_party_member", str(error))
            member = False
        joined: datetime.date | None = None
        try:
            joined, joined_year = parsers.parse_date(cell("party_joined_on"), today=self.today)
            if joined is None and joined_year is not None:
                joined = datetime.date(joined_year, 1, 1)
        except ValueError as error:
            fail("party_joined_on", str(error))
        values["is_party_member"] = member or joined is not None
        values["party_joined_on"] = joined
        full_name = " ".join(p for p in (family, middle, given) if p)
        name_folded = _fold_name(full_name)
        commune_id = unit.commune_id if unit else None
        derived = {
            "full_name": full_name,
            "name_folded": name_folded,
            "sort_key": _name_sort_key(given, middle, family) if full_name else "",
            "identity_key": identity_key(name_folded, birth_date, birth_year, commune_id),
        }
        self._lengths(values, derived, positions, fail)
        return RowPlan(
            row=number,
            values=values,
            categories=categories,
            derived=derived,
            commune_id=commune_id,
            outcome=Outcome.REJECT if errors else Outcome.CREATE,
            errors=errors,
        )

    @staticmethod
    def _lengths(
        values: dict[str, Any],
        derived: dict[str, str],
        positions: dict[str, int],
        fail: Callable[[str, str], None],
    ) -> None:
        """Values longer than their database column: a row error, never a DataError."""
        name_key = "full_name" if "full_name" in positions else "given_name"
        too_long = False
        for key, field_name in TEXT_LIMITS:
            value = values.get(key) or ""
            limit = _max_length(field_name)
            if len(value) <= limit:
                continue
            too_long = True
            is_name = key in ("family_name", "middle_name", "given_name")
            column = name_key if is_name and key not in positions else key
            fail(
                column,
                _("%(what)s dài %(length)s ký tự, vượt giới hạn %(limit)s ký tự.")
                % {
                    "what": _label(field_name),
                    "length": len(value),
                    "limit": limit,
                },
            )
            values[key] = value[:limit]  # the row is rejected; keep the preview short
        if too_long:
            return
        for name in DERIVED_LIMITS:
            if len(derived[name]) > _max_length(name):
                fail(
                    name_key,
                    _("Họ và tên quá dài (tối đa %(limit)s ký tự).")
                    % {"limit": _max_length("full_name")},
                )
                return

    # --- the whole table -------------------------------------------------------------------

    def check(self, table: Table, progress: Progress | None = None) -> CheckResult:
        header = match_headers(table.rows)
        rows = table.rows
        start = header.row_index + 1
        total = len(rows) - start
        plans: list[RowPlan] = []
        formulas = _formulas_by_row(table.formulas)
        for offset, raw in enumerate(rows[start:]):
            number = start + offset + 1
            if progress is not None and offset % PROGRESS_EVERY == 0:
                progress(offset, total)
            if not any(value is not None and value != "" for value in raw):
                continue
            plan = self._row(number, raw, header)
            for col_index in formulas.get(number, ()):
                title = header.headers[col_index] if col_index < len(header.headers) else ""
                plan.errors.append(
                    RowError(
                        number,
                        title,
                        _("Ô %(cell)s chứa công thức: hãy dán giá trị thay cho công thức.")
                        % {"cell": f"{column_letter(col_index)}{number}"},
                        col_index,
                    )
                )
                plan.outcome = Outcome.REJECT
            plans.append(plan)
        if progress is not None:
            progress(total, total)
        existing = self._against_file_and_database(plans, header)
        errors = [error for plan in plans for error in plan.errors]
        return CheckResult(
            header=header, plans=plans, errors=errors, table=table, existing=existing
        )

    def _against_file_and_database(
        self, plans: list[RowPlan], header: HeaderMap
    ) -> dict[int, dict[str, Any]]:
        """Duplicates inside the file, then CCCD and identity key against the registry."""
        id_column = header.title("citizen_id")
        id_index = header.positions.get("citizen_id")
        name_column = header.title("full_name" if "full_name" in header.positions else "given_name")
        name_index = header.positions.get("full_name", header.positions.get("given_name"))

        def reject(plan: RowPlan, column: str, index: int | None, message: str) -> None:
            plan.errors.append(RowError(plan.row, column, message, index))
            plan.outcome = Outcome.REJECT

        by_id: dict[str, list[RowPlan]] = {}
        for plan in plans:
            citizen_id = plan.values["citizen_id"]
            if citizen_id:
                by_id.setdefault(citizen_id, []).append(plan)
        for citizen_id, same in by_id.items():
            if len(same) > 1:
                rows = ", ".join(str(p.row) for p in same)
                for plan in same:
                    reject(
                        plan,
                        id_column,
                        id_index,
                        _("Số CCCD %(id)s trùng nhau ở các dòng %(rows)s của tệp.")
                        % {"id": citizen_id, "rows": rows},
                    )
        by_key: dict[str, RowPlan] = {}
        for plan in plans:
            key = plan.derived["identity_key"]
            if not key or plan.outcome == Outcome.REJECT:
                continue
            first = by_key.get(key)
            if first is None:
                by_key[key] = plan
            elif not (first.values["citizen_id"] and plan.values["citizen_id"]):
                reject(
                    plan,
                    name_column,
                    name_index,
                    _("Trùng họ tên, ngày sinh và xã với dòng %(row)s của tệp (cùng một người?).")
                    % {"row": first.row},
                )
        # The registry.
        fields = (
            "pk",
            "full_name",
            "name_folded",
            "birth_year",
            "citizen_id",
            "identity_key",
            "owner__name",
        )
        ids = [plan.values["citizen_id"] for plan in plans if plan.values["citizen_id"]]
        by_citizen_id = {
            row["citizen_id"]: row
            for chunk in _chunks(ids)
            for row in Person.objects.filter(citizen_id__in=chunk).values(*fields)
        }
        keys = [plan.derived["identity_key"] for plan in plans if plan.derived["identity_key"]]
        by_identity: dict[str, list[dict[str, Any]]] = {}
        for chunk in _chunks(keys):
            for row in Person.objects.filter(identity_key__in=chunk).values(*fields):
                by_identity.setdefault(row["identity_key"], []).append(row)
        existing = {row["pk"]: row for row in by_citizen_id.values()}
        for found in by_identity.values():
            existing.update((row["pk"], row) for row in found)
        changeable = self._allowed(existing, CHANGE)
        # Whom the actor may see: only they are named (with their unit and number).
        visible = self._allowed(existing, VIEW) | changeable
        taken: dict[int, int] = {}
        for plan in plans:
            if plan.outcome == Outcome.REJECT:
                continue
            citizen_id = plan.values["citizen_id"]
            match = by_citizen_id.get(citizen_id) if citizen_id else None
            if match is not None:
                same_person = match["name_folded"] == plan.derived["name_folded"] and (
                    not match["birth_year"] or match["birth_year"] == plan.values["birth_year"]
                )
                if not same_person:
                    if match["pk"] in visible:
                        message = _(
                            "Số CCCD %(id)s đã thuộc về người khác trong hệ thống: %(name)s "
                            "(sinh %(year)s, %(owner)s quản lý)."
                        ) % {
                            "id": citizen_id,
                            "name": match["full_name"],
                            "year": match["birth_year"] or "?",
                            "owner": match["owner__name"],
                        }
                    else:
                        message = _(
                            "Số CCCD này đã có trong hệ thống (hồ sơ do đơn vị khác quản lý)."
                        )
                    reject(plan, id_column, id_index, message)
                    continue
                plan.outcome, plan.person_id = Outcome.UPDATE, match["pk"]
            else:
                candidates = [
                    row
                    for row in by_identity.get(plan.derived["identity_key"], [])
                    if not (citizen_id and row["citizen_id"])
                ]
                if len(candidates) > 1:
                    if all(row["pk"] in visible for row in candidates):
                        names = ", ".join(f"#{row['pk']}" for row in candidates)
                        message = _(
                            "Có %(count)s người cùng họ tên, ngày sinh và xã trong hệ thống "
                            "(%(ids)s): hãy ghi số CCCD để biết là ai."
                        ) % {"count": len(candidates), "ids": names}
                    else:
                        message = _(
                            "Có %(count)s người cùng họ tên, ngày sinh và xã trong hệ thống "
                            "(có hồ sơ do đơn vị khác quản lý): hãy ghi số CCCD để biết là ai."
                        ) % {"count": len(candidates)}
                    reject(plan, name_column, name_index, message)
                    continue
                if candidates:
                    plan.outcome, plan.person_id = Outcome.MERGE, candidates[0]["pk"]
            if plan.person_id is not None:
                if plan.person_id not in changeable:
                    if plan.person_id in visible:
                        message = _(
                            "Người này đã có trong hệ thống do %(owner)s quản lý; "
                            "bạn không được sửa."
                        ) % {"owner": existing[plan.person_id]["owner__name"]}
                    else:
                        message = _(
                            "Người này đã có trong hệ thống (hồ sơ do đơn vị khác quản lý); "
                            "bạn không được sửa."
                        )
                    column = id_column if plan.outcome == Outcome.UPDATE else name_column
                    index = id_index if plan.outcome == Outcome.UPDATE else name_index
                    plan.person_id = None  # the preview names nobody the actor may not change
                    reject(plan, column, index, message)
                    continue
                first_row = taken.get(plan.person_id)
                if first_row is not None:
                    reject(
                        plan,
                        name_column,
                        name_index,
                        _("Dòng %(row)s của tệp đã ứng với cùng người này trong hệ thống.")
                        % {"row": first_row},
                    )
                    continue
                taken[plan.person_id] = plan.row
        # Only people the actor may see leave this method (the preview names them).
        return {pk: row for pk, row in existing.items() if pk in visible}

    def _allowed(self, existing: dict[int, dict[str, Any]], action: str) -> set[int]:
        """Which of `existing` the actor may see or change: one query per chunk of 900."""
        if self.actor is None:
            return set(existing)
        allowed: set[int] = set()
        for chunk in _chunks(list(existing)):
            allowed.update(
                restrict(Person.objects.filter(pk__in=chunk), self.actor, action).values_list(
                    "pk", flat=True
                )
            )
        return allowed


def _formulas_by_row(refs: Iterable[str]) -> dict[int, list[int]]:
    by_row: dict[int, list[int]] = {}
    for ref in refs:
        letters = "".join(ch for ch in ref if ch.isalpha())
        number = int(ref[len(letters) :])
        index = 0
        for letter in letters:
            index = index * 26 + ord(letter) - 64
        by_row.setdefault(number, []).append(index - 1)
    return by_row


def _chunks(items: list[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
