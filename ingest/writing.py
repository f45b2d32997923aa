"""Writing checked rows: people, their categories, their history, roster places, nominations.

Everything goes in bulk (bulk_create / bulk_update in batches) inside the
caller's transaction; the history (`PersonChange`, action IMPORT) is written
for every created, updated or merged person in bulk too.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ingest import fastinsert
from ingest.checking import (
    PERSON_FIELDS,
    Checker,
    CheckResult,
    Outcome,
    Progress,
    RowError,
    RowPlan,
    _chunks,
)
from orgs.models import Organization
from people.identity import person_fill_derived
from people.models import ChangeAction, Person, PersonChange, Roster, RosterMember

BATCH = 5000
NOTE_LENGTH = int(PersonChange._meta.get_field("note").max_length or 300)
NEW_PERSON_FIELDS = (
    "id",
    "family_name",
    "middle_name",
    "given_name",
    "full_name",
    "name_folded",
    "sort_key",
    "identity_key",
    "birth_date",
    "birth_year",
    "sex",
    "citizen_id",
    "ethnicity",
    "religion",
    "phone",
    "email",
    "position",
    "organization",
    "home_unit",
    "theory_level",
    "is_party_member",
    "party_joined_on",
    "owner",
    "created_at",
    "updated_at",
)
# Fields a file may change on an existing person (never the owner).
UPDATABLE = tuple(f for f in PERSON_FIELDS if f not in ("family_name", "middle_name", "given_name"))


class WriteRejected(Exception):
    """A row failed while writing (all-or-nothing): everything was rolled back."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(errors[0].message if errors else "")
        self.errors = errors


@dataclass
class WriteResult:
    created: int = 0
    updated: int = 0
    merged: int = 0
    roster_added: int = 0
    roster_present: int = 0
    nominated: int = 0
    errors: list[RowError] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "merged": self.merged,
            "roster_added": self.roster_added,
            "roster_present": self.roster_present,
            "nominated": self.nominated,
        }


def _display(value: Any, names: dict[str, dict[int, str]], name: str) -> Any:
    if value is None or value == "":
        return None
    if name in names:
        return names[name].get(value, str(value))
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return value


def _history_key(name: str) -> str:
    """Foreign keys are named as the relation ("home_unit"), as in people.services' history."""
    return name.removesuffix("_id") if name in ("organization_id", "home_unit_id") else name


HISTORY_KEYS = tuple((name, _history_key(name)) for name in PERSON_FIELDS)


@dataclass
class Writer:
    checker: Checker
    owner: Organization
    actor: Any
    progress: Progress | None = None
    # Where the rows come from ("danh-sach.xlsx"), named in each new person's history.
    source: str = ""
    _name_cache: dict[str, dict[int, str]] | None = field(default=None, init=False, repr=False)

    def _names(self) -> dict[str, dict[int, str]]:
        if self._name_cache is None:
            units = {pk: info.name for pk, info in self.checker.units.units.items()}
            self._name_cache = {"home_unit_id": units, "organization_id": {}}
        return self._name_cache

    def write(
        self,
        result: CheckResult,
        *,
        roster: Roster | None = None,
        course: Any = None,
    ) -> WriteResult:
        """Write the valid rows of `result`; the caller holds the transaction.

        For a class (`course`) each row's person and nomination are written
        together under a savepoint: a row whose nomination is refused leaves
        nothing behind (its new person included), the other rows stay.
        """
        plans = result.valid_plans
        outcome = WriteResult()
        if course is None:
            people = self._people(plans, outcome, progress=True)
        else:
            plans, people = self._people_nominated(course, plans, outcome)
        if roster is not None:
            self._roster(roster, plans, people, outcome)
        return outcome

    def _people(
        self, plans: list[RowPlan], outcome: WriteResult, *, progress: bool = False
    ) -> dict[int, int]:
        """Create, update and merge the people of `plans`, with their history: row -> person id."""
        total = len(plans)
        done = 0
        names = self._names()
        by = self.actor if getattr(self.actor, "pk", None) else None
        changes: list[tuple[Any, ...]] = []
        people: dict[int, int] = {}  # row -> person id
        creates = [plan for plan in plans if plan.outcome == Outcome.CREATE]
        now = fastinsert.db_now()
        by_id = by.pk if by is not None else None
        date = connection.ops.adapt_datefield_value
        created = fastinsert.db_json({})
        origin = _("Tạo từ tệp %(file)s, dòng %(row)s")
        source = self.source or "?"
        for batch in _chunks(creates, BATCH):
            ids = fastinsert.reserve_ids(Person, len(batch))
            rows: list[tuple[Any, ...]] = []
            links: list[tuple[int, int]] = []
            for plan, pk in zip(batch, ids, strict=True):
                values = plan.values
                derived = plan.derived
                rows.append(
                    (
                        pk,
                        values["family_name"],
                        values["middle_name"],
                        values["given_name"],
                        derived["full_name"],
                        derived["name_folded"],
                        derived["sort_key"],
                        derived["identity_key"],
                        date(values["birth_date"]),
                        values["birth_year"],
                        values["sex"],
                        values["citizen_id"],
                        values["ethnicity"],
                        values["religion"],
                        values["phone"],
                        values["email"],
                        values["position"],
                        values["organization_id"],
                        values["home_unit_id"],
                        values["theory_level"],
                        values["is_party_member"],
                        date(values["party_joined_on"]),
                        self.owner.pk,
                        now,
                        now,
                    )
                )
                people[plan.row] = pk
                links += [(pk, category) for category in plan.categories]
                # The new record holds the values and the kept file holds the row:
                # the history names the row instead of copying every value again.
                note = (origin % {"file": source, "row": plan.row})[:NOTE_LENGTH]
                changes.append((pk, ChangeAction.IMPORT, created, note, by_id, now))
            fastinsert.insert_rows(Person, NEW_PERSON_FIELDS, rows)
            fastinsert.insert_rows(
                Person.categories.through, ("person_id", "traineecategory_id"), links
            )
            outcome.created += len(batch)
            done += len(batch)
            if progress:
                self._progress(done, total)
        existing = [plan for plan in plans if plan.outcome in (Outcome.UPDATE, Outcome.MERGE)]
        for batch in _chunks(existing):
            updated = self._update(batch, names, by, changes, people)
            outcome.updated += sum(1 for p in batch if p.outcome == Outcome.UPDATE)
            outcome.merged += sum(1 for p in batch if p.outcome == Outcome.MERGE)
            done += len(batch)
            del updated
            if progress:
                self._progress(done, total)
        json = fastinsert.db_json
        fastinsert.insert_rows(
            PersonChange,
            ("person_id", "action", "changes", "note", "by_id", "at"),
            [row if row[2] is created else (*row[:2], json(row[2]), *row[3:]) for row in changes],
        )
        return people

    def _progress(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(done, total)

    def _category_names(self, pks: Iterable[int]) -> list[str]:
        lookup = self.checker.categories.by_pk
        return [lookup.get(pk, str(pk)) for pk in pks]

    def _new_person(self, plan: RowPlan) -> Person:
        values = plan.values
        derived = plan.derived
        return Person(
            family_name=values["family_name"],
            middle_name=values["middle_name"],
            given_name=values["given_name"],
            full_name=derived["full_name"],
            name_folded=derived["name_folded"],
            sort_key=derived["sort_key"],
            identity_key=derived["identity_key"],
            birth_date=values["birth_date"],
            birth_year=values["birth_year"],
            sex=values["sex"],
            citizen_id=values["citizen_id"],
            ethnicity=values["ethnicity"],
            religion=values["religion"],
            phone=values["phone"],
            email=values["email"],
            position=values["position"],
            organization_id=values["organization_id"],
            home_unit_id=values["home_unit_id"],
            theory_level=values["theory_level"],
            is_party_member=values["is_party_member"],
            party_joined_on=values["party_joined_on"],
            owner_id=self.owner.pk,
        )

    def _update(
        self,
        batch: list[RowPlan],
        names: dict[str, dict[int, str]],
        by: Any,
        changes: list[tuple[Any, ...]],
        people: dict[int, int],
    ) -> list[Person]:
        from geo.models import AdminUnit

        loaded = Person.objects.select_related("home_unit").in_bulk(
            [plan.person_id for plan in batch]
        )
        new_units = {plan.values["home_unit_id"] for plan in batch if plan.values["home_unit_id"]}
        units = AdminUnit.objects.in_bulk(list(new_units))
        through = Person.categories.through
        current: dict[int, set[int]] = {}
        for person_id, category_id in through.objects.filter(
            person_id__in=list(loaded)
        ).values_list("person_id", "traineecategory_id"):
            current.setdefault(person_id, set()).add(category_id)
        changed_fields: set[str] = set()
        db_now = fastinsert.db_now()
        saved: list[Person] = []
        links: list[Any] = []
        now = timezone.now()
        for plan in batch:
            assert plan.person_id is not None
            person = loaded[plan.person_id]
            diff: dict[str, list[Any]] = {}
            if plan.derived["full_name"] != person.full_name:
                diff["full_name"] = [person.full_name, plan.derived["full_name"]]
                person.family_name = plan.values["family_name"]
                person.middle_name = plan.values["middle_name"]
                person.given_name = plan.values["given_name"]
                changed_fields.update(("family_name", "middle_name", "given_name"))
            for name in UPDATABLE:
                new = plan.values[name]
                if new in (None, "", False):
                    continue  # an empty cell never erases what the registry knows
                old = getattr(person, name)
                if old != new:
                    diff[_history_key(name)] = [
                        _display(old, names, name),
                        _display(new, names, name),
                    ]
                    setattr(person, name, new)
                    changed_fields.add(name)
                    if name == "home_unit_id":
                        person.home_unit = units[new]
            missing = [c for c in plan.categories if c not in current.get(person.pk, set())]
            if missing:
                before = sorted(self._category_names(current.get(person.pk, set())))
                after = sorted(self._category_names({*current.get(person.pk, set()), *missing}))
                diff["categories"] = [before or None, after]
                links += [through(person_id=person.pk, traineecategory_id=c) for c in missing]
            people[plan.row] = person.pk
            if not diff:
                continue
            person_fill_derived(person)
            person.updated_at = now
            saved.append(person)
            note = (
                _("Cập nhật theo số CCCD")
                if plan.outcome == Outcome.UPDATE
                else _("Gộp theo họ tên, ngày sinh và xã")
            )
            changes.append(
                (person.pk, ChangeAction.IMPORT, diff, note, by.pk if by else None, db_now)
            )
        if saved:
            fields = sorted(
                changed_fields
                | {
                    "full_name",
                    "name_folded",
                    "sort_key",
                    "birth_year",
                    "identity_key",
                    "updated_at",
                }
            )
            Person.objects.bulk_update(saved, fields, batch_size=500)
        through.objects.bulk_create(links, batch_size=BATCH, ignore_conflicts=True)
        return saved

    def _roster(
        self,
        roster: Roster,
        plans: list[RowPlan],
        people: dict[int, int],
        outcome: WriteResult,
    ) -> None:
        # Only people already in the registry can already be members.
        ids = [people[plan.row] for plan in plans if plan.outcome != Outcome.CREATE]
        present: set[int] = set()
        for chunk in _chunks(ids):
            present.update(
                RosterMember.objects.filter(roster=roster, person_id__in=chunk).values_list(
                    "person_id", flat=True
                )
            )
        now = fastinsert.db_now()
        members = [
            (roster.pk, people[plan.row], self._coverage(plan), now)
            for plan in plans
            if people[plan.row] not in present
        ]
        fastinsert.insert_rows(
            RosterMember, ("roster_id", "person_id", "unit_id", "added_at"), members
        )
        outcome.roster_added = len(members)
        outcome.roster_present = len(present)

    def _coverage(self, plan: RowPlan) -> int | None:
        unit_id = plan.values["home_unit_id"]
        if unit_id is None:
            return None
        return plan.commune_id

    def _people_nominated(
        self, course: Any, plans: list[RowPlan], outcome: WriteResult
    ) -> tuple[list[RowPlan], dict[int, int]]:
        """Per row, under one savepoint: write the person, then nominate them.

        A refused nomination rolls the row's person back with it; the rows
        that went in and their people are returned.
        """
        from nominations.services import nominate

        failed: list[RowError] = []
        kept: list[RowPlan] = []
        people: dict[int, int] = {}
        total = len(plans)
        for done, plan in enumerate(plans, start=1):
            part = WriteResult()
            try:
                with transaction.atomic():
                    row_people = self._people([plan], part)
                    nominate(
                        actor=self.actor,
                        course=course,
                        unit=self.owner,
                        person=Person.objects.get(pk=row_people[plan.row]),
                    )
            except (ValidationError, PermissionDenied) as error:
                message = (
                    " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
                )
                failed.append(RowError(plan.row, "", message))
                plan.outcome = Outcome.REJECT
                plan.errors.append(failed[-1])
            else:
                kept.append(plan)
                people.update(row_people)
                outcome.created += part.created
                outcome.updated += part.updated
                outcome.merged += part.merged
                outcome.nominated += 1
            self._progress(done, total)
        outcome.errors = failed
        return kept, people
