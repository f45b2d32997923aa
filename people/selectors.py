"""Reads of the person registry and rosters, always through the scope gate."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from core.scope import VIEW, restrict
from core.text import tokens
from geo.models import AdminUnit, Level
from people.identity import commune_of
from people.models import Person, PersonChange, Roster, RosterMember, TraineeCategory

_DIGITS_ONLY = str.maketrans("", "", " .-+()")


@dataclass(frozen=True)
class PersonFilters:
    query: str = ""
    category_id: int | None = None
    unit_id: int | None = None
    organization_id: int | None = None
    sex: str = ""
    ethnicity: str = ""
    party: str = ""  # "yes" / "no" / ""


def _search(people: QuerySet[Person], query: str) -> QuerySet[Person]:
    """Accent-folding search on the name; a number matches CCCD or phone."""
    text = query.strip()
    digits = text.translate(_DIGITS_ONLY)
    if digits.isdigit() and digits.isascii() and len(digits) >= 3:
        if digits.startswith("84") and text.startswith("+"):
            digits = "0" + digits[2:]
        return people.filter(Q(citizen_id__contains=digits) | Q(phone__contains=digits))
    for word in tokens(text)[:10]:
        people = people.filter(name_folded__contains=word)
    return people


def units_under(unit: AdminUnit) -> QuerySet[AdminUnit]:
    """The unit and every unit below it (all communes and villages of a province)."""
    return AdminUnit.objects.filter(path__startswith=unit.path)


def filter_people(people: QuerySet[Person], filters: PersonFilters) -> QuerySet[Person]:
    if filters.query:
        people = _search(people, filters.query)
    if filters.category_id:
        people = people.filter(
            pk__in=Person.categories.through.objects.filter(
                traineecategory_id=filters.category_id
            ).values("person_id")
        )
    if filters.unit_id:
        unit = AdminUnit.objects.filter(pk=filters.unit_id).only("path").first()
        if unit is None:
            return people.none()
        people = people.filter(home_unit__path__startswith=unit.path)
    if filters.organization_id:
        people = people.filter(organization_id=filters.organization_id)
    if filters.sex:
        people = people.filter(sex=filters.sex)
    if filters.ethnicity:
        people = people.filter(ethnicity=filters.ethnicity)
    if filters.party == "yes":
        people = people.filter(is_party_member=True)
    elif filters.party == "no":
        people = people.filter(is_party_member=False)
    return people


def person_list(*, user: Any, filters: PersonFilters = PersonFilters()) -> QuerySet[Person]:
    """People the user may see, filtered; a constant number of queries per page."""
    people = restrict(Person.objects.all(), user, VIEW)
    people = filter_people(people, filters)
    return (
        people.select_related("home_unit", "home_unit__parent", "organization", "owner")
        .prefetch_related(Prefetch("categories", queryset=TraineeCategory.objects.all()))
        .order_by("sort_key", "pk")
    )


def person_history(person: Person) -> QuerySet[PersonChange]:
    return person.changes.select_related("by").order_by("-at", "-pk")


def likely_duplicates(
    *,
    citizen_id: str,
    name_folded: str,
    birth_date: datetime.date | None,
    birth_year: int | None,
    commune_id: int | None,
    exclude_pk: int | None = None,
    user: Any,
) -> QuerySet[Person]:
    """People the user may see who are probably the same person.

    The same CCCD; or the same folded name, birth (a date matches a record that
    only knows the year) and commune (a village counts as its commune).
    """
    match = Q(pk__in=[])
    if citizen_id:
        match |= Q(citizen_id=citizen_id)
    birth: Q | None = None
    if birth_date is not None:
        birth = Q(birth_date=birth_date) | Q(birth_date__isnull=True, birth_year=birth_date.year)
    elif birth_year:
        birth = Q(birth_year=birth_year)
    if name_folded and birth is not None and commune_id is not None:
        place = Q(home_unit_id=commune_id) | Q(
            home_unit__parent_id=commune_id, home_unit__level=Level.VILLAGE
        )
        match |= Q(name_folded=name_folded) & birth & place
    people = restrict(Person.objects.all(), user, VIEW).filter(match)
    if exclude_pk is not None:
        people = people.exclude(pk=exclude_pk)
    return people.select_related("home_unit", "home_unit__parent", "owner", "organization")[:20]


def duplicate_groups(*, user: Any) -> list[list[Person]]:
    """Groups of people the user may see with the same folded name, birth year and commune.

    Coarser than `identity_key` on purpose: a record with a full birth date and
    one with only the year are most often the same person entered twice.
    """
    visible = restrict(Person.objects.all(), user, VIEW).filter(
        birth_year__isnull=False, home_unit__isnull=False
    )
    twins = visible.filter(
        name_folded=OuterRef("name_folded"), birth_year=OuterRef("birth_year")
    ).exclude(pk=OuterRef("pk"))
    people = (
        visible.filter(Exists(twins))
        .select_related("home_unit", "home_unit__parent", "owner", "organization")
        .order_by("sort_key", "pk")
    )
    groups: dict[tuple[str, int | None, int | None], list[Person]] = {}
    for person in people.iterator(chunk_size=2000):
        key = (person.name_folded, person.birth_year, commune_of(person))
        groups.setdefault(key, []).append(person)
    return [group for group in groups.values() if len(group) > 1]


# --- rosters --------------------------------------------------------------------------


def roster_list(*, user: Any, query: str = "") -> QuerySet[Roster]:
    rosters = restrict(Roster.objects.all(), user, VIEW).select_related("owner")
    for word in tokens(query)[:10]:
        rosters = rosters.filter(name__icontains=word)
    return rosters.annotate(member_count=Count("memberships")).order_by(
        "-period_start", "name", "pk"
    )


def roster_members(roster: Roster, *, query: str = "") -> QuerySet[RosterMember]:
    members = roster.memberships.select_related(
        "person", "person__home_unit", "person__organization", "unit", "unit__parent"
    )
    if query:
        people = _search(Person.objects.all(), query)
        members = members.filter(person__in=people.values("pk"))
    return members.order_by("person__sort_key", "pk")


def roster_candidates(
    *,
    user: Any,
    category_ids: list[int],
    unit_ids: list[int],
    organization_ids: list[int],
) -> QuerySet[Person]:
    """People the user may see matching every given criterion (any of the values each)."""
    people = restrict(Person.objects.all(), user, VIEW)
    if category_ids:
        people = people.filter(
            pk__in=Person.categories.through.objects.filter(
                traineecategory_id__in=category_ids
            ).values("person_id")
        )
    if unit_ids:
        place = Q(pk__in=[])
        for unit in AdminUnit.objects.filter(pk__in=unit_ids).only("path"):
            place |= Q(home_unit__path__startswith=unit.path)
        people = people.filter(place)
    if organization_ids:
        people = people.filter(organization_id__in=organization_ids)
    return people


# --- coverage -------------------------------------------------------------------------


@dataclass
class CoverageRow:
    unit_id: int | None
    name: str
    members: int = 0
    enrolled: int = 0
    completed: int = 0

    @property
    def percent(self) -> float:
        return round(100 * self.completed / self.members, 1) if self.members else 0.0


def _in_period(roster: Roster) -> Q:
    return Q(course__end_date__gte=roster.period_start, course__end_date__lte=roster.period_end)


def coverage_group_level(roster: Roster) -> str:
    """Group communes by district on a committee's province; by commune below that."""
    territory = roster.owner.territory
    if territory.level in (Level.COUNTRY,):
        return Level.PROVINCE
    if territory.level == Level.PROVINCE:
        return Level.DISTRICT
    return Level.COMMUNE


def roster_member_status(roster: Roster) -> QuerySet[RosterMember]:
    """Members annotated with enrolled/completed in a class ending within the period."""
    from nominations.models import Enrollment, EnrollmentStatus

    period = _in_period(roster)
    enrollments = Enrollment.objects.filter(period, person_id=OuterRef("person_id")).exclude(
        status=EnrollmentStatus.WITHDRAWN
    )
    return roster.memberships.annotate(
        is_enrolled=Exists(enrollments),
        has_completed=Exists(enrollments.filter(completed=True)),
    )


def roster_coverage(roster: Roster) -> tuple[list[CoverageRow], CoverageRow]:
    """Per unit: members, enrolled and completed in the roster period; and the total."""
    level = coverage_group_level(roster)
    members = roster_member_status(roster).select_related(
        "unit", "unit__parent", "unit__parent__parent"
    )
    rows: dict[int | None, CoverageRow] = {}
    total = CoverageRow(unit_id=None, name="")
    for member in members.iterator(chunk_size=2000):
        group = _group_unit(member.unit, level)
        key = group.pk if group is not None else None
        row = rows.get(key)
        if row is None:
            row = rows[key] = CoverageRow(unit_id=key, name=group.name if group else "")
        for counter in (row, total):
            counter.members += 1
            counter.enrolled += int(member.is_enrolled)  # type: ignore[attr-defined]
            counter.completed += int(member.has_completed)  # type: ignore[attr-defined]
    ordered = sorted(rows.values(), key=lambda r: (r.unit_id is None, r.name))
    return ordered, total


def _group_unit(unit: AdminUnit | None, level: str) -> AdminUnit | None:
    """`unit` or its ancestor at `level` (the commune itself when no such ancestor)."""
    current = unit
    while current is not None:
        if current.level == level:
            return current
        current = current.parent if current.parent_id else None
    return unit


def member_completions(roster: Roster, person_ids: list[int], *, user: Any) -> dict[int, list[Any]]:
    """Classes each person completed within the roster period (for a page of members).

    A class outside the user's scope is listed as None: it counts, but its
    title is not the user's to read.
    """
    from courses.models import Course
    from nominations.models import Enrollment

    result: dict[int, list[Any]] = {}
    completed = list(
        Enrollment.objects.filter(_in_period(roster), person_id__in=person_ids, completed=True)
        .select_related("course")
        .order_by("course__end_date", "course_id")
    )
    visible = set(
        restrict(Course.objects.all(), user, VIEW)
        .filter(pk__in={e.course_id for e in completed})
        .values_list("pk", flat=True)
    )
    for enrollment in completed:
        course = enrollment.course if enrollment.course_id in visible else None
        result.setdefault(enrollment.person_id, []).append(course)
    return result
